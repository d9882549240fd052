package dev.tributary.dsl.state;

/**
 * Reads a key-value store.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ReadOnlyKeyValueStore<K, V> {
    /**
     * The value of a key.
     *
     * @param key the key, not null
     * @return the value, or null if the key is absent
     */
    V get(K key);

    /**
     * The entries whose encoded keys lie between those of two keys, both included, in the byte
     * order of the encoded keys.
     *
     * @param from the first key, not null
     * @param to the last key, not null
     * @return an iterator to close after use
     */
    KeyValueIterator<K, V> range(K from, K to);

    /**
     * The entries whose encoded keys start with the bytes of a prefix, encoded with the store's key
     * schema (for string keys: the keys that start with the prefix).
     *
     * @param prefix the prefix
     * @return an iterator to close after use
     */
    KeyValueIterator<K, V> prefixScan(K prefix);

    /**
     * All entries.
     *
     * @return an iterator to close after use
     */
    KeyValueIterator<K, V> all();

    /**
     * An estimate of the number of entries, cheap to compute.
     *
     * @return the estimate
     */
    long approximateNumEntries();
}
