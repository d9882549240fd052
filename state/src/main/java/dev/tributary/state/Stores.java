package dev.tributary.state;

import java.nio.file.Path;

/** Creates byte-level stores. */
public final class Stores {
    private Stores() {
    }

    /**
     * A RocksDB store in a directory, within the shared memory bound.
     *
     * @param name the store's name
     * @param directory its directory, created if missing
     * @param memory the process's shared RocksDB memory
     * @return the store
     */
    public static KeyGroupedStore rocksDb(String name, Path directory, StateMemory memory) {
        return new RocksDbStore(name, directory, memory);
    }

    /**
     * A store on the heap.
     *
     * @param name the store's name
     * @return the store
     */
    public static KeyGroupedStore inMemory(String name) {
        return new InMemoryStore(name);
    }

    /**
     * A RocksDB property of one key group of a RocksDB store, for metrics and tests.
     *
     * @param store a store from {@link #rocksDb}
     * @param keyGroup the key group
     * @param property for example {@code rocksdb.block-cache-capacity}
     * @return the property's value
     */
    public static long rocksDbProperty(KeyGroupedStore store, int keyGroup, String property) {
        return ((RocksDbStore) store).property(keyGroup, property);
    }
}
