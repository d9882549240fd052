package dev.tributary.dsl;

/**
 * Computes a result from a record's key and value.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <R> the result type
 */
@FunctionalInterface
public interface KeyValueMapper<K, V, R> {
    /**
     * Maps a record.
     *
     * @param key the record's key
     * @param value the record's value
     * @return the result
     */
    R apply(K key, V value);
}
