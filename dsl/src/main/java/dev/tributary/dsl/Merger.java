package dev.tributary.dsl;

/**
 * Combines the aggregates of two session windows that a record joins into one.
 *
 * @param <K> the key type
 * @param <V> the aggregate type
 */
@FunctionalInterface
public interface Merger<K, V> {
    /**
     * @param key the key of both sessions
     * @param aggregate1 the earlier session's aggregate
     * @param aggregate2 the later session's aggregate
     * @return the merged session's aggregate, not null
     */
    V apply(K key, V aggregate1, V aggregate2);
}
