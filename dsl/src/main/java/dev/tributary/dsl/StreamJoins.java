package dev.tributary.dsl;

/**
 * The joins of a {@link Stream}: with a table (the value current for the record's key), with a global
 * table (under a key computed from the record), and with another stream (the records of the same key
 * close enough in time, see {@link JoinWindows}). A stream and what it joins meet in one key group
 * when both are keyed alike, whatever the partition counts of their topics; after an operator that
 * changed the key, the stream's records go through a repartition topic keyed by the new key first.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface StreamJoins<K, V> {

    /**
     * Joins each record with its key's current value in a table: the record's value and the table's
     * go through the joiner, and a record whose key the table does not hold gives nothing. The table
     * side only updates its store; it never emits here. Both sides are keyed alike, so a key's records
     * and its table row are in the same key group, whatever the partition counts of their topics. If
     * an operator upstream changed the key, records go through a repartition topic keyed by the new key
     * first (with the table's key schema when the stream's is unknown).
     *
     * @param table a table with a store of its own (from {@link StreamBuilder#table}, {@link #toTable}
     *     or an aggregation)
     * @param joiner combines the record's value and the table's
     * @param <VT> the table's value type
     * @param <VR> the result type
     * @return the stream of joined records, keyed as the input
     * @throws TopologyException if the table has no store or the sides' key schemas differ
     */
    <VT, VR> Stream<K, VR> join(Table<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner);

    /**
     * Joins each record with its key's current value in a table, in a named node.
     *
     * @param table a table with a store of its own
     * @param joiner combines the record's value and the table's
     * @param named the node name
     * @param <VT> the table's value type
     * @param <VR> the result type
     * @return the stream of joined records
     */
    <VT, VR> Stream<K, VR> join(Table<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner,
                                Named named);

    /**
     * Like {@link #join(Table, ValueJoiner)}, but a record whose key the table does not hold (never
     * had, or deleted) is joined with null, so every record gives one result.
     *
     * @param table a table with a store of its own
     * @param joiner combines the record's value and the table's (null when the table has none)
     * @param <VT> the table's value type
     * @param <VR> the result type
     * @return the stream of joined records, one per input record
     */
    <VT, VR> Stream<K, VR> leftJoin(Table<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner);

    /**
     * A left join with a table, in a named node.
     *
     * @param table a table with a store of its own
     * @param joiner combines the record's value and the table's (null when the table has none)
     * @param named the node name
     * @param <VT> the table's value type
     * @param <VR> the result type
     * @return the stream of joined records
     */
    <VT, VR> Stream<K, VR> leftJoin(Table<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner,
                                    Named named);

    /**
     * Joins each record with a global table's row under the key the mapper computes from the record;
     * a record with no row there gives nothing. The global table is complete when the job starts
     * processing and follows its topic while it runs, independently of the records' times.
     *
     * @param table the global table
     * @param keyMapper computes the global table's key from the record's key and value
     * @param joiner combines the record's value and the row
     * @param <GK> the global table's key type
     * @param <GV> the global table's value type
     * @param <VR> the result type
     * @return the stream of joined records, keyed as the input
     */
    <GK, GV, VR> Stream<K, VR> join(GlobalTable<GK, GV> table, KeyValueMapper<? super K, ? super V, ? extends GK> keyMapper,
                                    ValueJoiner<? super V, ? super GV, ? extends VR> joiner);

    /**
     * Like {@link #join(GlobalTable, KeyValueMapper, ValueJoiner)}, but a record with no row (or whose
     * mapper gives null) is joined with null, so every record gives one result.
     *
     * @param table the global table
     * @param keyMapper computes the global table's key from the record's key and value
     * @param joiner combines the record's value and the row (null when there is none)
     * @param <GK> the global table's key type
     * @param <GV> the global table's value type
     * @param <VR> the result type
     * @return the stream of joined records, one per input record
     */
    <GK, GV, VR> Stream<K, VR> leftJoin(GlobalTable<GK, GV> table,
                                        KeyValueMapper<? super K, ? super V, ? extends GK> keyMapper,
                                        ValueJoiner<? super V, ? super GV, ? extends VR> joiner);

    /**
     * Joins each record with the other stream's records of the same key whose times fall in its join
     * window; each pair gives one result, at the later of the two times. A record that meets nothing
     * gives nothing. Both sides keep their records in window stores (logged, restored and handed over
     * like any store) until no record inside the grace could still meet them.
     *
     * @param other the other stream, keyed alike
     * @param joiner combines this stream's value and the other's
     * @param windows which times meet, and the grace for records out of order
     * @param <VO> the other stream's value type
     * @param <VR> the result type
     * @return the stream of joined records, keyed as the inputs
     * @throws TopologyException if the sides' key schemas differ, or a side's value schema is unknown
     *     (pass them with {@link StreamJoined})
     */
    <VO, VR> Stream<K, VR> join(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                JoinWindows windows);

    /**
     * A windowed inner join with another stream, with schemas or a name.
     *
     * @param other the other stream, keyed alike
     * @param joiner combines this stream's value and the other's
     * @param windows which times meet, and the grace
     * @param joined the stores' schemas and the join's name
     * @param <VO> the other stream's value type
     * @param <VR> the result type
     * @return the stream of joined records
     */
    <VO, VR> Stream<K, VR> join(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                JoinWindows windows, StreamJoined<K, V, VO> joined);

    /**
     * Like {@link #join(Stream, ValueJoiner, JoinWindows)}, and a record of this stream that met no
     * record of the other is joined with null once its window has closed, so that it is final: a
     * result with null never precedes a match of the same record.
     *
     * @param other the other stream, keyed alike
     * @param joiner combines this stream's value and the other's (null when there is none)
     * @param windows which times meet, and the grace
     * @param <VO> the other stream's value type
     * @param <VR> the result type
     * @return the stream of joined records
     */
    <VO, VR> Stream<K, VR> leftJoin(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                    JoinWindows windows);

    /**
     * A windowed left join with another stream, with schemas or a name.
     *
     * @param other the other stream, keyed alike
     * @param joiner combines this stream's value and the other's (null when there is none)
     * @param windows which times meet, and the grace
     * @param joined the stores' schemas and the join's name
     * @param <VO> the other stream's value type
     * @param <VR> the result type
     * @return the stream of joined records
     */
    <VO, VR> Stream<K, VR> leftJoin(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                    JoinWindows windows, StreamJoined<K, V, VO> joined);

    /**
     * Like {@link #leftJoin(Stream, ValueJoiner, JoinWindows)} on both sides: a record of either
     * stream that met nothing is joined with null (in its place of the joiner's arguments) once its
     * window has closed.
     *
     * @param other the other stream, keyed alike
     * @param joiner combines this stream's value and the other's, either of them null when missing
     * @param windows which times meet, and the grace
     * @param <VO> the other stream's value type
     * @param <VR> the result type
     * @return the stream of joined records
     */
    <VO, VR> Stream<K, VR> outerJoin(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                     JoinWindows windows);

    /**
     * A windowed outer join with another stream, with schemas or a name.
     *
     * @param other the other stream, keyed alike
     * @param joiner combines this stream's value and the other's, either of them null when missing
     * @param windows which times meet, and the grace
     * @param joined the stores' schemas and the join's name
     * @param <VO> the other stream's value type
     * @param <VR> the result type
     * @return the stream of joined records
     */
    <VO, VR> Stream<K, VR> outerJoin(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                     JoinWindows windows, StreamJoined<K, V, VO> joined);
}
