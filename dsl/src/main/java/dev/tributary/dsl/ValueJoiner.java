package dev.tributary.dsl;

/**
 * Combines the values of two records that a join matched into the value of its result.
 *
 * @param <V1> the value type of the left side (the stream, in a stream-table join)
 * @param <V2> the value type of the right side (the table)
 * @param <VR> the result type
 */
@FunctionalInterface
public interface ValueJoiner<V1, V2, VR> {
    /**
     * Joins two values.
     *
     * @param left the left side's value
     * @param right the right side's value; null in a left join when the right side has none for the key
     * @return the joined value
     */
    VR apply(V1 left, V2 right);
}
