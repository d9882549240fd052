package dev.tributary.dsl;

import dev.tributary.dsl.state.Materialized;

/**
 * A grouped stream cut into session windows, ready to aggregate per key and session. Each aggregation
 * keeps a session store per key group, logged to a changelog topic; closed sessions older than the
 * store's retention (gap plus grace by default, counted from a session's end) are deleted locally and
 * from the changelog. Late records go to the job's late-records route ({@code windows.late.policy}).
 *
 * <p>With {@link EmitStrategy#onWindowUpdate()} (the default), every record sends its session's new
 * aggregate, and a merge first sends a deletion (a null value) for each session merged away; with
 * {@link EmitStrategy#onWindowClose()}, each session is sent once, final, when it closes.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface SessionWindowedStream<K, V> {
    /**
     * Chooses when results are sent downstream.
     *
     * @param strategy on every update (the default) or once when the session closes; sessions do not
     *     emit at commit
     * @return a session-windowed stream with that strategy
     * @throws TopologyException for {@link EmitStrategy#onCommit()}
     */
    SessionWindowedStream<K, V> emit(EmitStrategy strategy);

    /**
     * Counts records per key and session.
     *
     * @return a table of counts per key and session
     */
    Table<Windowed<K>, Long> count();

    /**
     * Counts records per key and session in a named store.
     *
     * @param materialized the store's name and options (its value schema is INT64)
     * @return a table of counts per key and session
     */
    Table<Windowed<K>, Long> count(Materialized<K, Long> materialized);

    /**
     * Combines each key's values per session with a reducer (which also merges sessions).
     *
     * @param reducer combines two values or aggregates
     * @return a table of the reduced values per key and session
     */
    Table<Windowed<K>, V> reduce(Reducer<V> reducer);

    /**
     * Combines each key's values per session with a reducer, in a named store.
     *
     * @param reducer combines two values or aggregates
     * @param materialized the store's name and options
     * @return a table of the reduced values per key and session
     */
    Table<Windowed<K>, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized);

    /**
     * Folds each key's records per session into an aggregate of another type.
     *
     * @param initializer the aggregate of a new session
     * @param aggregator folds a record into the aggregate
     * @param merger combines the aggregates of two sessions a record joins
     * @param materialized the store's options; its value schema (of the aggregate) is required
     * @param <VA> the aggregate type
     * @return a table of the aggregates per key and session
     */
    <VA> Table<Windowed<K>, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator,
                                          Merger<? super K, VA> merger, Materialized<K, VA> materialized);
}
