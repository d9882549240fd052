package dev.tributary.dsl;

/**
 * An action performed on each record, for its side effect.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface ForeachAction<K, V> {
    /**
     * Acts on a record.
     *
     * @param key the record's key
     * @param value the record's value
     */
    void apply(K key, V value);
}
