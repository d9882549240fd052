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
 * <p>A commit can be under way while the next interval writes: {@link #seal()} sets the held writes
 * aside for the commit in flight, new writes are held above them, and {@link #commitSealed()} applies
 * them once that commit's transaction committed. Reads see the newest layer first.
 *
 * <p>Restores ({@link #putAll}) write through: they carry committed changelog entries only.
 */
public final class UncommittedWrites implements KeyGroupedStore {
    /** Marks a held delete; compared by identity. */
    private static final byte[] DELETED = new byte[0];

    private final KeyGroupedStore store;
    private Map<Integer, NavigableMap<byte[], byte[]>> held = new HashMap<>();
    /** The writes of the commit in flight, set aside by {@link #seal()}; empty when none is. */
    private Map<Integer, NavigableMap<byte[], byte[]>> sealed = new HashMap<>();

    /** @param store where committed writes go */
    public UncommittedWrites(KeyGroupedStore store) {
        this.store = store;
    }

    /** Applies the sealed writes, then the held ones, to the store below. */
    public void commit() {
        commitSealed();
        apply(held);
    }

    /**
     * Sets the held writes aside for the commit now in flight; later writes are held above them.
     *
     * @throws IllegalStateException if the writes of an earlier commit are still sealed
     */
    public void seal() {
        if (!sealed.isEmpty()) {
            throw new IllegalStateException("store '" + name() + "' still holds the writes of a commit in flight");
        }
        Map<Integer, NavigableMap<byte[], byte[]>> writes = held;
        held = sealed;
        sealed = writes;
    }

    /** Applies the sealed writes to the store below: their commit's transaction committed. */
    public void commitSealed() {
        apply(sealed);
    }

    private void apply(Map<Integer, NavigableMap<byte[], byte[]>> writes) {
        if (writes.isEmpty()) {
            return;
        }
        // Every key group of the commit in one step below (one RocksDB batch), not one per key group.
        List<StoreWrite> all = new ArrayList<>();
        for (Map.Entry<Integer, NavigableMap<byte[], byte[]>> group : writes.entrySet()) {
            for (Map.Entry<byte[], byte[]> entry : group.getValue().entrySet()) {
                all.add(new StoreWrite(group.getKey(), entry.getKey(), entry.getValue() == DELETED ? null : entry.getValue()));
            }
        }
        store.writeAll(all);
        writes.clear();
    }

    /** Drops the held and sealed writes: the store below is as of the last applied commit. */
    public void discard() {
        held.clear();
        sealed.clear();
    }

    /** Writes held for the next commit and sealed for the one in flight. */
    public int heldWrites() {
        int count = 0;
        for (NavigableMap<byte[], byte[]> group : held.values()) {
            count += group.size();
        }
        for (NavigableMap<byte[], byte[]> group : sealed.values()) {
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
    public void openKeyGroups(java.util.BitSet keyGroups) {
        store.openKeyGroups(keyGroups);
    }

    @Override
    public void wipeKeyGroup(int keyGroup) {
        held.remove(keyGroup);
        sealed.remove(keyGroup);
        store.wipeKeyGroup(keyGroup);
    }

    @Override
    public byte[] get(int keyGroup, byte[] key) {
        byte[] value = find(held, keyGroup, key);
        if (value == null) {
            value = find(sealed, keyGroup, key);
        }
        if (value != null) {
            return value == DELETED ? null : value;
        }
        return store.get(keyGroup, key);
    }

    private static byte[] find(Map<Integer, NavigableMap<byte[], byte[]>> layer, int keyGroup, byte[] key) {
        NavigableMap<byte[], byte[]> group = layer.get(keyGroup);
        return group == null ? null : group.get(key);
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
        sealed.remove(keyGroup);
        store.putAll(keyGroup, keys, values);
    }

    @Override
    public BytesIterator range(int keyGroup, byte[] from, byte[] to) {
        return over(held, keyGroup, from, to, over(sealed, keyGroup, from, to, null));
    }

    /** A layer's entries in the range over those below it (the store's when {@code below} is null). */
    private BytesIterator over(Map<Integer, NavigableMap<byte[], byte[]>> layer, int keyGroup, byte[] from, byte[] to,
                               BytesIterator below) {
        NavigableMap<byte[], byte[]> group = layer.get(keyGroup);
        NavigableMap<byte[], byte[]> view = group == null ? null
                : from == null && to == null ? group
                : from == null ? group.headMap(to, true)
                : to == null ? group.tailMap(from, true)
                : group.subMap(from, true, to, true);
        BytesIterator rest = below != null ? below : store.range(keyGroup, from, to);
        if (view == null || view.isEmpty()) {
            return rest;
        }
        // A snapshot, as the stores below give: the caller may write while iterating.
        return new Merged(new ArrayList<>(view.entrySet()).iterator(), rest);
    }

    @Override
    public long approximateCount(int keyGroup) {
        NavigableMap<byte[], byte[]> group = held.get(keyGroup);
        NavigableMap<byte[], byte[]> set = sealed.get(keyGroup);
        return store.approximateCount(keyGroup) + (group == null ? 0 : group.size()) + (set == null ? 0 : set.size());
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
        sealed.clear();
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
