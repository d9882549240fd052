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
}
