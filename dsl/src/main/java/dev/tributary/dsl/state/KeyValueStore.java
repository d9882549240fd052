package dev.tributary.dsl.state;

/**
 * A key-value store: reads, writes and deletes. Writes are logged to the store's changelog and
 * become durable with the next commit.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface KeyValueStore<K, V> extends ReadOnlyKeyValueStore<K, V> {
    /**
     * Sets a key's value; a null value deletes the key.
     *
     * @param key the key, not null
     * @param value the value, or null to delete
     */
    void put(K key, V value);

    /**
     * Sets a key's value unless it has one.
     *
     * @param key the key, not null
     * @param value the value
     * @return the existing value, or null if the value was set
     */
    V putIfAbsent(K key, V value);

    /**
     * Deletes a key.
     *
     * @param key the key, not null
     * @return the value it had, or null
     */
    V delete(K key);

    /**
     * The store's name.
     *
     * @return the name
     */
    String name();
}
