package dev.tributary.dsl;

/**
 * A test on a record's key and value.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface Predicate<K, V> {
    /**
     * Tests a record.
     *
     * @param key the record's key
     * @param value the record's value
     * @return whether the record passes
     */
    boolean test(K key, V value);
}
