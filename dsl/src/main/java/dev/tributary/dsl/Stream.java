package dev.tributary.dsl;

import dev.tributary.dsl.processor.ProcessorSupplier;
import org.apache.pulsar.client.api.Schema;

/**
 * An unbounded stream of keyed records. Every operation adds a node to the topology under
 * construction and returns a new stream handle; nothing runs until the built {@link Topology} is
 * started. Records of one key are processed in order, one at a time.
 *
 * <p>Operations that keep the key type keep the stream's key schema, and those that keep the value
 * type keep its value schema, so {@link #to(String)} can write them without naming schemas.
 *
 * <p>The joins are in {@link StreamJoins}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Stream<K, V> extends StreamJoins<K, V> {

    /**
     * Keeps the records that match a predicate.
     *
     * @param predicate the test
     * @return the filtered stream
     */
    Stream<K, V> filter(Predicate<? super K, ? super V> predicate);

    /**
     * Keeps the records that match a predicate, in a named node.
     *
     * @param predicate the test
     * @param named the node name
     * @return the filtered stream
     */
    Stream<K, V> filter(Predicate<? super K, ? super V> predicate, Named named);

    /**
     * Drops the records that match a predicate.
     *
     * @param predicate the test
     * @return the filtered stream
     */
    Stream<K, V> filterNot(Predicate<? super K, ? super V> predicate);

    /**
     * Drops the records that match a predicate, in a named node.
     *
     * @param predicate the test
     * @param named the node name
     * @return the filtered stream
     */
    Stream<K, V> filterNot(Predicate<? super K, ? super V> predicate, Named named);

    /**
     * Replaces each record's key and value. The stream's schemas become unknown.
     *
     * @param mapper computes the new key and value
     * @param <KR> the new key type
     * @param <VR> the new value type
     * @return the mapped stream
     */
    <KR, VR> Stream<KR, VR> map(KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper);

    /**
     * Replaces each record's key and value, in a named node.
     *
     * @param mapper computes the new key and value
     * @param named the node name
     * @param <KR> the new key type
     * @param <VR> the new value type
     * @return the mapped stream
     */
    <KR, VR> Stream<KR, VR> map(KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper,
                                Named named);

    /**
     * Replaces each record's value, keeping its key. The value schema becomes unknown.
     *
     * @param mapper computes the new value
     * @param <VR> the new value type
     * @return the mapped stream
     */
    <VR> Stream<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper);

    /**
     * Replaces each record's value, keeping its key, in a named node.
     *
     * @param mapper computes the new value
     * @param named the node name
     * @param <VR> the new value type
     * @return the mapped stream
     */
    <VR> Stream<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper, Named named);

    /**
     * Replaces each record's value, reading its key. (A name of its own, so that method references
     * such as {@code String::toUpperCase} given to {@link #mapValues(ValueMapper)} stay unambiguous.)
     *
     * @param mapper computes the new value from key and value
     * @param <VR> the new value type
     * @return the mapped stream
     */
    <VR> Stream<K, VR> mapValuesWithKey(ValueMapperWithKey<? super K, ? super V, ? extends VR> mapper);

    /**
     * Replaces each record's value, reading its key, in a named node.
     *
     * @param mapper computes the new value from key and value
     * @param named the node name
     * @param <VR> the new value type
     * @return the mapped stream
     */
    <VR> Stream<K, VR> mapValuesWithKey(ValueMapperWithKey<? super K, ? super V, ? extends VR> mapper, Named named);

    /**
     * Replaces each record by zero or more records. The stream's schemas become unknown.
     *
     * @param mapper computes the new records
     * @param <KR> the new key type
     * @param <VR> the new value type
     * @return the mapped stream
     */
    <KR, VR> Stream<KR, VR> flatMap(
            KeyValueMapper<? super K, ? super V, ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>> mapper);

    /**
     * Replaces each record by zero or more records, in a named node.
     *
     * @param mapper computes the new records
     * @param named the node name
     * @param <KR> the new key type
     * @param <VR> the new value type
     * @return the mapped stream
     */
    <KR, VR> Stream<KR, VR> flatMap(
            KeyValueMapper<? super K, ? super V, ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>> mapper,
            Named named);

    /**
     * Replaces each record by zero or more records with the same key.
     *
     * @param mapper computes the new values
     * @param <VR> the new value type
     * @return the mapped stream
     */
    <VR> Stream<K, VR> flatMapValues(ValueMapper<? super V, ? extends Iterable<? extends VR>> mapper);

    /**
     * Replaces each record by zero or more records with the same key, in a named node.
     *
     * @param mapper computes the new values
     * @param named the node name
     * @param <VR> the new value type
     * @return the mapped stream
     */
    <VR> Stream<K, VR> flatMapValues(ValueMapper<? super V, ? extends Iterable<? extends VR>> mapper, Named named);

    /**
     * Replaces each record's key, keeping its value. The key schema becomes unknown.
     *
     * @param selector computes the new key
     * @param <KR> the new key type
     * @return the re-keyed stream
     */
    <KR> Stream<KR, V> selectKey(KeyValueMapper<? super K, ? super V, ? extends KR> selector);

    /**
     * Replaces each record's key, keeping its value, in a named node.
     *
     * @param selector computes the new key
     * @param named the node name
     * @param <KR> the new key type
     * @return the re-keyed stream
     */
    <KR> Stream<KR, V> selectKey(KeyValueMapper<? super K, ? super V, ? extends KR> selector, Named named);

    /**
     * Performs an action on each record and passes the record on.
     *
     * @param action the action
     * @return the same records
     */
    Stream<K, V> peek(ForeachAction<? super K, ? super V> action);

    /**
     * Performs an action on each record and passes the record on, in a named node.
     *
     * @param action the action
     * @param named the node name
     * @return the same records
     */
    Stream<K, V> peek(ForeachAction<? super K, ? super V> action, Named named);

    /**
     * Performs an action on each record; ends this branch of the topology.
     *
     * @param action the action
     */
    void foreach(ForeachAction<? super K, ? super V> action);

    /**
     * Performs an action on each record in a named node; ends this branch of the topology.
     *
     * @param action the action
     * @param named the node name
     */
    void foreach(ForeachAction<? super K, ? super V> action, Named named);

    /**
     * Splits the stream into branches by predicates: each record goes to the first branch it
     * matches.
     *
     * @return a builder of branches
     */
    BranchedStream<K, V> split();

    /**
     * Splits the stream into branches, in a named node; branch nodes are named
     * {@code <name>-<branch>}.
     *
     * @param named the split node's name
     * @return a builder of branches
     */
    BranchedStream<K, V> split(Named named);

    /**
     * Merges another stream into this one. The result keeps the schemas both streams share.
     *
     * @param other the other stream, of the same topology
     * @return a stream of the records of both
     */
    Stream<K, V> merge(Stream<K, V> other);

    /**
     * Merges another stream into this one, in a named node.
     *
     * @param other the other stream, of the same topology
     * @param named the node name
     * @return a stream of the records of both
     */
    Stream<K, V> merge(Stream<K, V> other, Named named);

    /**
     * Sets the value schema of this stream, for later {@link #to(String)} calls, without adding
     * a node.
     *
     * @param valueSchema the schema of the current values
     * @return this stream with a known value schema
     */
    Stream<K, V> withValueSchema(Schema<V> valueSchema);

    /**
     * Sets the key schema of this stream, for later {@link #to(String)} calls, without adding a node.
     *
     * @param keySchema the schema of the current keys
     * @return this stream with a known key schema
     */
    Stream<K, V> withKeySchema(Schema<K> keySchema);

    /**
     * Writes the records to a topic with the stream's schemas.
     *
     * @param topic the topic, in any form Pulsar accepts
     * @throws TopologyException if the stream's key or value schema is unknown
     */
    void to(String topic);

    /**
     * Writes the records to a topic with a value schema and the stream's key schema.
     *
     * @param topic the topic, in any form Pulsar accepts
     * @param valueSchema the value schema
     * @throws TopologyException if the stream's key schema is unknown
     */
    void to(String topic, Schema<V> valueSchema);

    /**
     * Writes the records to a topic.
     *
     * @param topic the topic, in any form Pulsar accepts
     * @param produced the schemas, name and batching mode
     */
    void to(String topic, Produced<K, V> produced);

    /**
     * Writes each record to the topic an extractor chooses for it.
     *
     * @param extractor chooses the topic of each record
     * @param produced the schemas, name and batching mode
     */
    void to(TopicNameExtractor<? super K, ? super V> extractor, Produced<K, V> produced);

    /**
     * Writes the records through a sink connector. An input record is acknowledged only after the sink
     * confirmed the writes made from it; a write the target refuses follows the sink's error policy. The
     * sink's settings are the job's keys under {@code connector.<name>.}.
     *
     * @param name the connector's name, unique among the topology's nodes
     * @param sink the sink
     */
    void sink(String name, dev.tributary.dsl.connect.Sink<? super K, ? super V> sink);

    /**
     * Writes the records through a sink connector chosen by the setting {@code connector.<name>.type}
     * (see {@link dev.tributary.dsl.connect.ConnectorProvider}).
     *
     * @param name the connector's name, unique among the topology's nodes
     */
    void sink(String name);

    /**
     * Groups by the current key, to aggregate. If an operator upstream changed the key, records go
     * through a repartition topic first so that each key's records reach its key group's owner.
     *
     * @return the grouped stream
     * @throws TopologyException if the stream's key or value schema is unknown
     */
    GroupedStream<K, V> groupByKey();

    /**
     * Groups by the current key with given schemas.
     *
     * @param grouped the schemas, and the repartition node's name if one is needed
     * @return the grouped stream
     */
    GroupedStream<K, V> groupByKey(Grouped<K, V> grouped);

    /**
     * Groups by a new key, through a repartition topic keyed by it.
     *
     * @param selector computes the new key
     * @param grouped the new key's schema (and the value schema, if the stream's is unknown)
     * @param <KR> the new key type
     * @return the grouped stream
     */
    <KR> GroupedStream<KR, V> groupBy(KeyValueMapper<? super K, ? super V, KR> selector, Grouped<KR, V> grouped);

    /**
     * Runs a custom processor on each record. A processor with stores after an operation that may have
     * changed the key ({@code selectKey}, {@code map}, {@code flatMap}) reads its records through a
     * repartition topic keyed by the new key, as {@code groupBy} does, so that its stores hold only keys of
     * the key groups this instance owns.
     *
     * @param supplier creates one processor per task
     * @param storeNames the stores the processor uses, added with {@link StreamBuilder#addStateStore}
     * @param <KR> the output key type
     * @param <VR> the output value type
     * @return the stream of what the processor forwards
     */
    <KR, VR> Stream<KR, VR> process(ProcessorSupplier<? super K, ? super V, KR, VR> supplier, String... storeNames);

    /**
     * Runs a custom processor on each record, in a named node.
     *
     * @param supplier creates one processor per task
     * @param named the node name
     * @param storeNames the stores the processor uses
     * @param <KR> the output key type
     * @param <VR> the output value type
     * @return the stream of what the processor forwards
     */
    <KR, VR> Stream<KR, VR> process(ProcessorSupplier<? super K, ? super V, KR, VR> supplier, Named named,
                                    String... storeNames);

    /**
     * Reads the stream as a table: the latest value per key, kept in a store of its own and logged; a
     * record with a null value deletes its key. If an operator upstream changed the key, records go
     * through a repartition topic keyed by the new key first.
     *
     * @return the table
     * @throws TopologyException if the stream's key or value schema is unknown
     */
    Table<K, V> toTable();

    /**
     * Reads the stream as a table kept in a named store.
     *
     * @param materialized the store's name, schemas and options
     * @return the table
     */
    Table<K, V> toTable(dev.tributary.dsl.state.Materialized<K, V> materialized);
}
