package dev.tributary.dsl;

/**
 * A changelog stream seen as a table: the latest value per key. Its updates flow downstream as
 * records; a deletion is a record with a null value (a tombstone). Updates are emitted at each commit,
 * one per changed key, or on every update when the store's cache is disabled or
 * {@code table.emit=on-update} is set.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Table<K, V> {
    /**
     * Keeps the rows that match; a row that stops matching is deleted downstream.
     *
     * @param predicate the test
     * @return the filtered table
     */
    Table<K, V> filter(Predicate<? super K, ? super V> predicate);

    /**
     * Keeps the rows that match, in a named node.
     *
     * @param predicate the test
     * @param named the node name
     * @return the filtered table
     */
    Table<K, V> filter(Predicate<? super K, ? super V> predicate, Named named);

    /**
     * Maps each row's value; deletions stay deletions.
     *
     * @param mapper computes the new value
     * @param <VR> the new value type
     * @return the mapped table
     */
    <VR> Table<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper);

    /**
     * Maps each row's value, in a named node.
     *
     * @param mapper computes the new value
     * @param named the node name
     * @param <VR> the new value type
     * @return the mapped table
     */
    <VR> Table<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper, Named named);

    /**
     * The table's updates as a stream; deletions arrive as null values.
     *
     * @return the stream of updates
     */
    Stream<K, V> toStream();

    /**
     * The table's updates as a stream, in a named node.
     *
     * @param named the node name
     * @return the stream of updates
     */
    Stream<K, V> toStream(Named named);

    /**
     * The name of the store that holds this table, if it is materialized.
     *
     * @return the store's name, or null for a table derived by filter or mapValues
     */
    String storeName();

    /**
     * Joins with another table keyed alike: the joined table holds, for each key both tables hold, the
     * joiner's result, and changes on every update of either side (a key one side loses is deleted).
     * Both tables must have stores of their own; the joined table has none (keep it with
     * {@code toStream().toTable(...)}).
     *
     * @param other the right table
     * @param joiner combines this table's value and the other's
     * @param <VO> the other table's value type
     * @param <VR> the joined value type
     * @return the joined table
     * @throws TopologyException if either table has no store or the key schemas differ
     */
    <VO, VR> Table<K, VR> join(Table<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner);

    /**
     * Like {@link #join(Table, ValueJoiner)}, for every key this table holds: the other value is null
     * where the other table has none.
     *
     * @param other the right table
     * @param joiner combines this table's value and the other's (possibly null)
     * @param <VO> the other table's value type
     * @param <VR> the joined value type
     * @return the joined table
     */
    <VO, VR> Table<K, VR> leftJoin(Table<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner);

    /**
     * Like {@link #join(Table, ValueJoiner)}, for every key either table holds: the missing side's
     * value is null.
     *
     * @param other the right table
     * @param joiner combines this table's value and the other's (either possibly null)
     * @param <VO> the other table's value type
     * @param <VR> the joined value type
     * @return the joined table
     */
    <VO, VR> Table<K, VR> outerJoin(Table<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner);

    /**
     * Joins with a table keyed by something else, on the key the extractor computes from each value of
     * this table (a foreign key, as an order's customer id): the joined table holds, for each key of
     * this table whose foreign key the other table holds, the joiner's result, keyed by this table's
     * key. It changes when this table's value changes (and its foreign key with it) and when the other
     * table's row for the foreign key changes. The two tables need not be keyed alike: a change travels
     * to the foreign key's key group through an internal subscription topic, and the answer comes back
     * through a response topic; an answer to a value that has changed since, or was deleted, is dropped,
     * so a stale row never overwrites a newer result. Both tables need stores of their own.
     *
     * @param other the table holding the rows the foreign keys point at
     * @param foreignKeyExtractor computes the other table's key from a value of this table (null: no row)
     * @param joiner combines this table's value and the other's
     * @param <KO> the other table's key type
     * @param <VO> the other table's value type
     * @param <VR> the joined value type
     * @return the joined table, keyed by this table's key
     * @throws TopologyException if either table has no store
     */
    <KO, VO, VR> Table<K, VR> join(Table<KO, VO> other, ValueMapper<? super V, ? extends KO> foreignKeyExtractor,
                                   ValueJoiner<? super V, ? super VO, ? extends VR> joiner);

    /**
     * Like {@link #join(Table, ValueMapper, ValueJoiner)}, for every key of this table: the other
     * value is null where the foreign key is null or the other table holds no row for it.
     *
     * @param other the table holding the rows the foreign keys point at
     * @param foreignKeyExtractor computes the other table's key from a value of this table
     * @param joiner combines this table's value and the other's (possibly null)
     * @param <KO> the other table's key type
     * @param <VO> the other table's value type
     * @param <VR> the joined value type
     * @return the joined table, keyed by this table's key
     */
    <KO, VO, VR> Table<K, VR> leftJoin(Table<KO, VO> other, ValueMapper<? super V, ? extends KO> foreignKeyExtractor,
                                       ValueJoiner<? super V, ? super VO, ? extends VR> joiner);

    /**
     * Re-groups the table by a new key, to aggregate its rows per group (see {@link GroupedTable}).
     *
     * @param selector gives each row's new key and value
     * @param grouped the new key's and value's schemas, and the repartition node's name
     * @param <KR> the new key type
     * @param <VR> the new value type
     * @return the grouped table
     * @throws TopologyException if a schema is unknown
     */
    <KR, VR> GroupedTable<KR, VR> groupBy(KeyValueMapper<? super K, ? super V, KeyValue<KR, VR>> selector,
                                          Grouped<KR, VR> grouped);
}
