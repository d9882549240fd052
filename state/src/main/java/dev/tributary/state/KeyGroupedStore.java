package dev.tributary.state;

/**
 * A store of encoded entries held per key group, so that one key group can be restored, wiped or
 * handed over alone. Single-threaded: one task uses it.
 */
public interface KeyGroupedStore extends AutoCloseable {
    /** @return the store's name */
    String name();

    /** Makes a key group usable, creating its space if it has none. */
    void openKeyGroup(int keyGroup);

    /** Makes several key groups usable at once: a store may create their spaces in one step. */
    default void openKeyGroups(java.util.BitSet keyGroups) {
        for (int group = keyGroups.nextSetBit(0); group >= 0; group = keyGroups.nextSetBit(group + 1)) {
            openKeyGroup(group);
        }
    }

    /** Deletes every entry of a key group (before a full restore, or when the key group leaves). */
    void wipeKeyGroup(int keyGroup);

    /** @return the value, or null */
    byte[] get(int keyGroup, byte[] key);

    /** Writes a value; a null value deletes the key. */
    void put(int keyGroup, byte[] key, byte[] value);

    /**
     * Writes many values of any key groups as processing does, in order (a null value deletes): what
     * a flush of the write-back cache hands down. A store may write them in one step; one that holds
     * processing writes back (until a commit) holds these too.
     */
    default void writeAll(java.util.List<StoreWrite> writes) {
        for (StoreWrite write : writes) {
            put(write.keyGroup(), write.key(), write.value());
        }
    }

    /**
     * Writes many values at once, in order (a null value deletes): for restores, where one batch costs
     * far less than as many single writes.
     */
    default void putAll(int keyGroup, java.util.List<byte[]> keys, java.util.List<byte[]> values) {
        for (int i = 0; i < keys.size(); i++) {
            put(keyGroup, keys.get(i), values.get(i));
        }
    }

    /**
     * @param from the first key, or null for the start
     * @param to the last key (included), or null for the end
     * @return the entries of one key group in the range
     */
    BytesIterator range(int keyGroup, byte[] from, byte[] to);

    /** @return an estimate of the entries in a key group */
    long approximateCount(int keyGroup);

    /** @return an estimate of the bytes a key group takes: on disk and in write buffers, or on the heap */
    long approximateBytes(int keyGroup);

    /** Makes every write so far survive a restart of the process (the write-ahead log is off). */
    void persist();

    @Override
    void close();
}
