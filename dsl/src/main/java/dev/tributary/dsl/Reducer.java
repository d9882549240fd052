package dev.tributary.dsl;

/**
 * Combines a key's current aggregate with a new value of the same type.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface Reducer<V> {
    /**
     * @param aggregate the current aggregate
     * @param value the new value
     * @return the new aggregate
     */
    V apply(V aggregate, V value);
}
