package dev.tributary.dsl;

/**
 * Computes a new value from a record's key and value; the key itself stays as it is.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ValueMapperWithKey<K, V, R> {
    /**
     * Maps a value, reading the key.
     *
     * @param key the record's key (read-only)
     * @param value the record's value
     * @return the new value
     */
    R apply(K key, V value);
}
