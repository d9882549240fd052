package dev.tributary.dsl;

import dev.tributary.dsl.state.Materialized;

/**
 * A stream grouped by key, ready to aggregate. Every aggregation keeps its state in a store held per
 * key group and logged to a changelog topic, and returns a {@link Table} of the current aggregate
 * per key.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface GroupedStream<K, V> {
    /**
     * Counts records per key.
     *
     * @return a table of counts
     */
    Table<K, Long> count();

    /**
     * Counts records per key in a named store.
     *
     * @param materialized the store's name and options (its value schema is INT64)
     * @return a table of counts
     */
    Table<K, Long> count(Materialized<K, Long> materialized);

    /**
     * Combines each key's values with a reducer.
     *
     * @param reducer combines the aggregate with a new value
     * @return a table of the reduced values
     */
    Table<K, V> reduce(Reducer<V> reducer);

    /**
     * Combines each key's values with a reducer, in a named store.
     *
     * @param reducer combines the aggregate with a new value
     * @param materialized the store's name and options
     * @return a table of the reduced values
     */
    Table<K, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized);

    /**
     * Folds each key's records into an aggregate of another type.
     *
     * @param initializer the aggregate of a new key
     * @param aggregator folds a record into the aggregate
     * @param materialized the store's options; its value schema (of the aggregate) is required
     * @param <VA> the aggregate type
     * @return a table of the aggregates
     */
    <VA> Table<K, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator,
                                Materialized<K, VA> materialized);

    /**
     * Cuts the grouped stream into time windows: tumbling or hopping windows of record time.
     *
     * @param windows the windows
     * @return the windowed stream, to aggregate
     */
    TimeWindowedStream<K, V> windowedBy(TimeWindows windows);

    /**
     * Cuts the grouped stream into sliding windows: one window per distinct set of records within the
     * time difference of each other. Sliding windows emit on every update or on close
     * ({@link TimeWindowedStream#emit(EmitStrategy)} refuses {@link EmitStrategy#onCommit()} for them).
     *
     * @param windows the sliding windows
     * @return the windowed stream, to aggregate
     */
    TimeWindowedStream<K, V> windowedBy(SlidingWindows windows);

    /**
     * Cuts the grouped stream into session windows: each key's bursts of activity.
     *
     * @param windows the session windows
     * @return the session-windowed stream, to aggregate
     */
    SessionWindowedStream<K, V> windowedBy(SessionWindows windows);
}
