package dev.tributary.state;

/** Byte-level reads and writes of one store, as the typed layer sees them: possibly through a cache. */
public interface StoreAccess {
    /** @return the value, or null */
    byte[] get(int keyGroup, byte[] key);

    /** Writes a value; null deletes. */
    void put(int keyGroup, byte[] key, byte[] value);

    /** Writes many values, in order (null deletes): the store below may take them in one step. */
    default void writeAll(java.util.List<StoreWrite> writes) {
        for (StoreWrite write : writes) {
            put(write.keyGroup(), write.key(), write.value());
        }
    }

    /** Writes out anything held back, so that the store below is complete. */
    void flush();

    /** @return the store at the bottom */
    KeyGroupedStore store();
}
