package dev.tributary.state;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The byte layout of a window store, all in one key group's space:
 * <ul>
 * <li>a window's entry, key first: {@code 0x00 | key length (4) | key | window start (8)}, so that one
 * key's windows are adjacent and fetched by one range read;</li>
 * <li>its time index, time first: {@code 0x01 | window start (8) | key}, with no value, so that closing
 * and expiring windows are one range read in time order;</li>
 * <li>the key group's time marks: {@code 0x02}.</li>
 * </ul>
 * Only entries and marks are logged: the index is derived from the entries wherever they are written,
 * restores included. Window starts are not negative, so their big-endian bytes sort as numbers.
 */
public final class WindowKeys {
    /** The first byte of a window's entry. */
    public static final byte ENTRY = 0x00;
    /** The first byte of a time-index entry. */
    public static final byte INDEX = 0x01;
    private static final byte[] MARKS = {0x02};
    private static final byte[] NO_VALUE = new byte[0];

    private WindowKeys() {
    }

    /**
     * @param key the encoded record key
     * @param start the window's start
     * @return the window's entry key
     */
    public static byte[] entry(byte[] key, long start) {
        return ByteBuffer.allocate(1 + 4 + key.length + 8).put(ENTRY).putInt(key.length).put(key).putLong(start).array();
    }

    /**
     * @return the key of the key group's time marks
     */
    public static byte[] marks() {
        return MARKS.clone();
    }

    /**
     * @param entry a window's entry key
     * @return whether it is one
     */
    public static boolean isEntry(byte[] entry) {
        return entry.length >= 13 && entry[0] == ENTRY;
    }

    /**
     * @param entry a window's entry key
     * @return the encoded record key
     */
    public static byte[] keyOf(byte[] entry) {
        int length = ByteBuffer.wrap(entry, 1, 4).getInt();
        return Arrays.copyOfRange(entry, 5, 5 + length);
    }

    /**
     * @param entry a window's entry key
     * @return the window's start
     */
    public static long startOf(byte[] entry) {
        return ByteBuffer.wrap(entry, entry.length - 8, 8).getLong();
    }

    /**
     * @param start a window start
     * @return the smallest index key of windows starting there
     */
    public static byte[] indexFrom(long start) {
        return ByteBuffer.allocate(9).put(INDEX).putLong(start).array();
    }

    /**
     * @param index a time-index key
     * @return the start of the window it indexes
     */
    public static long indexStart(byte[] index) {
        return ByteBuffer.wrap(index, 1, 8).getLong();
    }

    /**
     * @param index a time-index key
     * @return the entry key it points to
     */
    public static byte[] entryOfIndex(byte[] index) {
        return entry(Arrays.copyOfRange(index, 9, index.length), indexStart(index));
    }

    static byte[] indexOfEntry(byte[] entry) {
        byte[] key = keyOf(entry);
        return ByteBuffer.allocate(9 + key.length).put(INDEX).putLong(startOf(entry)).put(key).array();
    }

    /**
     * Wraps a byte store so that every window entry written (by processing or by a restore) keeps its
     * time-index entry in step.
     *
     * @param store the store below
     * @return the window store
     */
    public static KeyGroupedStore indexed(KeyGroupedStore store) {
        return new Indexed(store);
    }

    /** Writes the index next to the entries; everything else passes through. */
    private static final class Indexed implements KeyGroupedStore {
        private final KeyGroupedStore store;

        Indexed(KeyGroupedStore store) {
            this.store = store;
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
            store.wipeKeyGroup(keyGroup);
        }

        @Override
        public byte[] get(int keyGroup, byte[] key) {
            return store.get(keyGroup, key);
        }

        @Override
        public void put(int keyGroup, byte[] key, byte[] value) {
            store.put(keyGroup, key, value);
            if (isEntry(key)) {
                store.put(keyGroup, indexOfEntry(key), value == null ? null : NO_VALUE);
            }
        }

        @Override
        public void writeAll(java.util.List<StoreWrite> writes) {
            java.util.List<StoreWrite> all = new java.util.ArrayList<>(writes.size() * 2);
            for (StoreWrite write : writes) {
                all.add(write);
                if (isEntry(write.key())) {
                    all.add(new StoreWrite(write.keyGroup(), indexOfEntry(write.key()),
                            write.value() == null ? null : NO_VALUE));
                }
            }
            store.writeAll(all);
        }

        @Override
        public void putAll(int keyGroup, java.util.List<byte[]> keys, java.util.List<byte[]> values) {
            java.util.List<byte[]> allKeys = new java.util.ArrayList<>(keys.size() * 2);
            java.util.List<byte[]> allValues = new java.util.ArrayList<>(keys.size() * 2);
            for (int i = 0; i < keys.size(); i++) {
                byte[] key = keys.get(i);
                byte[] value = values.get(i);
                allKeys.add(key);
                allValues.add(value);
                if (isEntry(key)) {
                    allKeys.add(indexOfEntry(key));
                    allValues.add(value == null ? null : NO_VALUE);
                }
            }
            store.putAll(keyGroup, allKeys, allValues);
        }

        @Override
        public BytesIterator range(int keyGroup, byte[] from, byte[] to) {
            return store.range(keyGroup, from, to);
        }

        @Override
        public long approximateCount(int keyGroup) {
            // Every window has an entry and an index entry.
            return store.approximateCount(keyGroup) / 2;
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
            store.close();
        }

        @Override
        public String toString() {
            return store + " (windows)";
        }
    }
}
