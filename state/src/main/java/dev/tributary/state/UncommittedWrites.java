package dev.tributary.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * A store whose writes stay on the heap until {@link #commit()} applies them to the store below, or
 * {@link #discard()} drops them. Reads and ranges see both, the held writes first.
 *
 * <p>Under exactly-once a commit is a broker transaction, and the local files must never hold a
 * write whose transaction aborted: a restore that starts from a checkpoint would keep it, and a
 * count would be off by the aborted records for good. Holding the writes of one commit interval
 * costs their size on the heap; wiping and rebuilding every key group an abort touched would cost a
 * full restore of each (see docs/ARCHITECTURE.md).
 *
 * <p>Restores ({@link #putAll}) write through: they carry committed changelog entries only.
 */
public final class UncommittedWrites implements KeyGroupedStore {
    /** Marks a held delete; compared by identity. */
    private static final byte[] DELETED = new byte[0];

    private final KeyGroupedStore store;
    private final Map<Integer, NavigableMap<byte[], byte[]>> held = new HashMap<>();

    /** @param store where committed writes go */
    public UncommittedWrites(KeyGroupedStore store) {
        this.store = store;
    }

    /** Applies the held writes to the store below, one batch per key group. */
    public void commit() {
        for (Map.Entry<Integer, NavigableMap<byte[], byte[]>> group : held.entrySet()) {
            List<byte[]> keys = new ArrayList<>(group.getValue().size());
            List<byte[]> values = new ArrayList<>(group.getValue().size());
            for (Map.Entry<byte[], byte[]> entry : group.getValue().entrySet()) {
                keys.add(entry.getKey());
                values.add(entry.getValue() == DELETED ? null : entry.getValue());
            }
            store.putAll(group.getKey(), keys, values);
        }
        held.clear();
    }

    /** Drops the held writes: the store below is as of the last commit. */
    public void discard() {
        held.clear();
    }

    /** Writes held for the next commit. */
    public int heldWrites() {
        int count = 0;
        for (NavigableMap<byte[], byte[]> group : held.values()) {
            count += group.size();
        }
        return count;
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public void openKeyGroup(int keyGroup) {
        store.openKeyGroup(keyGroup);
    }

    @Override
    public void wipeKeyGroup(int keyGroup) {
        held.remove(keyGroup);
        store.wipeKeyGroup(keyGroup);
    }

    @Override
    public byte[] get(int keyGroup, byte[] key) {
        NavigableMap<byte[], byte[]> group = held.get(keyGroup);
        if (group != null) {
            byte[] value = group.get(key);
            if (value != null) {
                return value == DELETED ? null : value;
            }
        }
        return store.get(keyGroup, key);
    }

    @Override
    public void put(int keyGroup, byte[] key, byte[] value) {
        held.computeIfAbsent(keyGroup, g -> new TreeMap<>(Arrays::compareUnsigned))
                .put(key, value == null ? DELETED : value);
    }

    @Override
    public void putAll(int keyGroup, List<byte[]> keys, List<byte[]> values) {
        // A restore of a key group that is not running: nothing can be held for it.
        held.remove(keyGroup);
        store.putAll(keyGroup, keys, values);
    }

    @Override
    public BytesIterator range(int keyGroup, byte[] from, byte[] to) {
        NavigableMap<byte[], byte[]> group = held.get(keyGroup);
        if (group == null || group.isEmpty()) {
            return store.range(keyGroup, from, to);
        }
        NavigableMap<byte[], byte[]> view = from == null && to == null ? group
                : from == null ? group.headMap(to, true)
                : to == null ? group.tailMap(from, true)
                : group.subMap(from, true, to, true);
        if (view.isEmpty()) {
            return store.range(keyGroup, from, to);
        }
        // A snapshot, as the stores below give: the caller may write while iterating.
        return new Merged(new ArrayList<>(view.entrySet()).iterator(), store.range(keyGroup, from, to));
    }

    @Override
    public long approximateCount(int keyGroup) {
        NavigableMap<byte[], byte[]> group = held.get(keyGroup);
        return store.approximateCount(keyGroup) + (group == null ? 0 : group.size());
    }

    @Override
    public long approximateBytes(int keyGroup) {
        return store.approximateBytes(keyGroup);
    }

    @Override
    public void persist() {
        store.persist();
    }

    @Override
    public void close() {
        held.clear();
        store.close();
    }

    /** The held entries over the stored ones, in key order; a held delete hides its stored entry. */
    private static final class Merged implements BytesIterator {
        private final Iterator<Map.Entry<byte[], byte[]>> heldEntries;
        private final BytesIterator stored;
        private Map.Entry<byte[], byte[]> nextHeld;
        private BytesEntry nextStored;
        private BytesEntry next;

        Merged(Iterator<Map.Entry<byte[], byte[]>> heldEntries, BytesIterator stored) {
            this.heldEntries = heldEntries;
            this.stored = stored;
            this.nextHeld = heldEntries.hasNext() ? heldEntries.next() : null;
            this.nextStored = stored.hasNext() ? stored.next() : null;
        }

        @Override
        public boolean hasNext() {
            while (next == null && (nextHeld != null || nextStored != null)) {
                int order = nextHeld == null ? 1 : nextStored == null ? -1
                        : Arrays.compareUnsigned(nextHeld.getKey(), nextStored.key());
                if (order <= 0) {
                    if (nextHeld.getValue() != DELETED) {
                        next = new BytesEntry(nextHeld.getKey(), nextHeld.getValue());
                    }
                    nextHeld = heldEntries.hasNext() ? heldEntries.next() : null;
                    if (order == 0) {
                        nextStored = stored.hasNext() ? stored.next() : null;
                    }
                } else {
                    next = nextStored;
                    nextStored = stored.hasNext() ? stored.next() : null;
                }
            }
            return next != null;
        }

        @Override
        public BytesEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            BytesEntry entry = next;
            next = null;
            return entry;
        }

        @Override
        public void close() {
            stored.close();
        }
    }
}
