package dev.tributary.dsl;

/**
 * Computes a new value from a record's value.
 *
 * @param <V> the value type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ValueMapper<V, R> {
    /**
     * Maps a value.
     *
     * @param value the record's value
     * @return the new value
     */
    R apply(V value);
}
