package dev.tributary.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A write-back cache in front of a store: repeated writes of a hot key between two commits reach the
 * store and its changelog once, at the flush, and a table downstream sees one update per key instead
 * of one per record. Bounded: past its size, the oldest entry is written out early.
 */
public final class RecordCache implements StoreAccess {
    /**
     * Told of every entry written out: the point where a table emits its update. A flush tells of its
     * entries key group by key group, each group's in the order they were last written.
     */
    @FunctionalInterface
    public interface FlushListener {
        /**
         * @param keyGroup the entry's key group
         * @param key the encoded key
         * @param value the encoded value, or null for a deletion
         */
        void flushed(int keyGroup, byte[] key, byte[] value);
    }

    private static final byte[] DELETED = new byte[0];

    private final StoreAccess below;
    private final int maxEntries;
    private final LinkedHashMap<Key, byte[]> dirty = new LinkedHashMap<>();
    private FlushListener listener = (group, key, value) -> { };

    /**
     * @param below the store written to at the flush
     * @param maxEntries the most entries held back
     */
    public RecordCache(StoreAccess below, int maxEntries) {
        this.below = below;
        this.maxEntries = Math.max(1, maxEntries);
    }

    /** @param listener told of each entry as it is written out */
    public void onFlush(FlushListener listener) {
        this.listener = listener;
    }

    @Override
    public byte[] get(int keyGroup, byte[] key) {
        byte[] cached = dirty.get(new Key(keyGroup, key));
        if (cached != null) {
            return cached == DELETED ? null : cached;
        }
        return below.get(keyGroup, key);
    }

    @Override
    public void put(int keyGroup, byte[] key, byte[] value) {
        Key entry = new Key(keyGroup, key);
        // Re-inserting moves the key to the end, so eviction writes out the least recently written.
        dirty.remove(entry);
        dirty.put(entry, value == null ? DELETED : value);
        if (dirty.size() > maxEntries) {
            Iterator<Map.Entry<Key, byte[]>> eldest = dirty.entrySet().iterator();
            Map.Entry<Key, byte[]> first = eldest.next();
            eldest.remove();
            writeOut(first.getKey(), first.getValue());
        }
    }

    /** Drops every entry not written out yet, as if the writes since the last flush never happened. */
    public void discard() {
        dirty.clear();
    }

    @Override
    public void flush() {
        if (dirty.isEmpty()) {
            return;
        }
        // The listener may write to this cache again (a table feeding another); take the entries first.
        List<StoreWrite> writes = new ArrayList<>(dirty.size());
        for (Map.Entry<Key, byte[]> entry : dirty.entrySet()) {
            byte[] value = entry.getValue();
            writes.add(new StoreWrite(entry.getKey().keyGroup, entry.getKey().bytes, value == DELETED ? null : value));
        }
        dirty.clear();
        // Key group by key group (each group's entries in cache order): the changelog takes one run per
        // key group, and outputs batched by key group can leave as each run ends.
        writes.sort(java.util.Comparator.comparingInt(StoreWrite::keyGroup));
        // All written before anyone is told, so that a listener reading this store sees the flush whole.
        below.writeAll(writes);
        for (StoreWrite write : writes) {
            listener.flushed(write.keyGroup(), write.key(), write.value());
        }
    }

    private void writeOut(Key key, byte[] value) {
        byte[] written = value == DELETED ? null : value;
        below.put(key.keyGroup, key.bytes, written);
        listener.flushed(key.keyGroup, key.bytes, written);
    }

    /** @return the entries held back */
    public int size() {
        return dirty.size();
    }

    @Override
    public KeyGroupedStore store() {
        return below.store();
    }

    private record Key(int keyGroup, byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.keyGroup == keyGroup && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return 31 * keyGroup + Arrays.hashCode(bytes);
        }
    }
}
