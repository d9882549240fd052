package dev.tributary.dsl;

/**
 * Folds a record into its key's aggregate.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <VA> the aggregate type
 */
@FunctionalInterface
public interface Aggregator<K, V, VA> {
    /**
     * @param key the record's key
     * @param value the record's value
     * @param aggregate the key's current aggregate
     * @return the new aggregate
     */
    VA apply(K key, V value, VA aggregate);
}
