package dev.tributary.dsl;

/**
 * A key and a value, as returned by mappers that change both.
 *
 * @param key the key, may be null
 * @param value the value, may be null
 * @param <K> the key type
 * @param <V> the value type
 */
public record KeyValue<K, V>(K key, V value) {
    /**
     * Creates a pair.
     *
     * @param key the key
     * @param value the value
     * @param <K> the key type
     * @param <V> the value type
     * @return the pair
     */
    public static <K, V> KeyValue<K, V> pair(K key, V value) {
        return new KeyValue<>(key, value);
    }
}
