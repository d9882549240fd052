package dev.tributary.dsl;

import dev.tributary.dsl.state.Materialized;

/**
 * A table re-grouped by a new key, ready to aggregate. Each update of the table takes its row's old
 * value out of the old group's aggregate (the subtractor) and puts the new value into the new group's
 * (the adder), so the aggregates always describe the table as it is now: a row that moves from one
 * group to another leaves the first. The records travel through a repartition topic keyed by the new
 * key.
 *
 * @param <K> the new key type
 * @param <V> the value type
 */
public interface GroupedTable<K, V> {
    /**
     * Counts the table's rows per new key.
     *
     * @return a table of counts
     */
    Table<K, Long> count();

    /**
     * Counts the table's rows per new key in a named store.
     *
     * @param materialized the store's name and options (its value schema is INT64)
     * @return a table of counts
     */
    Table<K, Long> count(Materialized<K, Long> materialized);

    /**
     * Combines the rows of each new key: the adder puts a value in, the subtractor takes one out.
     *
     * @param adder combines the aggregate with a value coming in
     * @param subtractor removes a value going out from the aggregate
     * @return a table of the results
     */
    Table<K, V> reduce(Reducer<V> adder, Reducer<V> subtractor);

    /**
     * Aggregates the rows of each new key.
     *
     * @param initializer the aggregate of a new key
     * @param adder folds a value coming in into the aggregate
     * @param subtractor takes a value going out of the aggregate
     * @param materialized the store's name and options; give its value schema
     * @param <VA> the aggregate type
     * @return a table of the aggregates
     */
    <VA> Table<K, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> adder,
                                Aggregator<? super K, ? super V, VA> subtractor, Materialized<K, VA> materialized);
}
