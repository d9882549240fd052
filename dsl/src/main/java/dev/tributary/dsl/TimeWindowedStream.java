package dev.tributary.dsl;

import dev.tributary.dsl.state.Materialized;

/**
 * A grouped stream cut into time windows (tumbling, hopping or sliding), ready to aggregate per key and window. Each aggregation
 * keeps a window store per key group, logged to a changelog topic; windows older than the store's
 * retention are deleted locally and from the changelog. Records for windows that closed already go to
 * the job's late-records route ({@code windows.late.policy}), never silently dropped.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface TimeWindowedStream<K, V> {
    /**
     * Chooses when results are sent downstream.
     *
     * @param strategy on every update (the default), at every commit (not for sliding windows), or once
     *     when the window closes
     * @return a windowed stream with that strategy
     * @throws TopologyException for {@link EmitStrategy#onCommit()} on sliding windows
     */
    TimeWindowedStream<K, V> emit(EmitStrategy strategy);

    /**
     * Counts records per key and window.
     *
     * @return a table of counts per key and window
     */
    Table<Windowed<K>, Long> count();

    /**
     * Counts records per key and window in a named store.
     *
     * @param materialized the store's name and options (its value schema is INT64)
     * @return a table of counts per key and window
     */
    Table<Windowed<K>, Long> count(Materialized<K, Long> materialized);

    /**
     * Combines each key's values per window with a reducer.
     *
     * @param reducer combines the aggregate with a new value
     * @return a table of the reduced values per key and window
     */
    Table<Windowed<K>, V> reduce(Reducer<V> reducer);

    /**
     * Combines each key's values per window with a reducer, in a named store.
     *
     * @param reducer combines the aggregate with a new value
     * @param materialized the store's name and options
     * @return a table of the reduced values per key and window
     */
    Table<Windowed<K>, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized);

    /**
     * Folds each key's records per window into an aggregate of another type.
     *
     * @param initializer the aggregate of a new window
     * @param aggregator folds a record into the aggregate
     * @param materialized the store's options; its value schema (of the aggregate) is required
     * @param <VA> the aggregate type
     * @return a table of the aggregates per key and window
     */
    <VA> Table<Windowed<K>, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator,
                                          Materialized<K, VA> materialized);
}
