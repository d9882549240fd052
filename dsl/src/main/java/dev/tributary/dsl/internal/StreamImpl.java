package dev.tributary.dsl.internal;

import dev.tributary.dsl.BranchedStream;
import dev.tributary.dsl.ForeachAction;
import dev.tributary.dsl.Grouped;
import dev.tributary.dsl.GroupedStream;
import dev.tributary.dsl.JoinWindows;
import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.KeyValueMapper;
import dev.tributary.dsl.Named;
import dev.tributary.dsl.Predicate;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.Stream;
import dev.tributary.dsl.StreamJoined;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.ValueJoiner;
import dev.tributary.dsl.TopicNameExtractor;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.ValueMapper;
import dev.tributary.dsl.ValueMapperWithKey;
import dev.tributary.dsl.plan.FilterNode;
import dev.tributary.dsl.plan.FlatMapNode;
import dev.tributary.dsl.plan.FlatMapValuesNode;
import dev.tributary.dsl.plan.ForeachNode;
import dev.tributary.dsl.plan.MapNode;
import dev.tributary.dsl.plan.MapValuesNode;
import dev.tributary.dsl.plan.MergeNode;
import dev.tributary.dsl.plan.PeekNode;
import dev.tributary.dsl.plan.ProcessNode;
import dev.tributary.dsl.plan.RepartitionNode;
import dev.tributary.dsl.plan.SelectKeyNode;
import dev.tributary.dsl.plan.SinkNode;
import dev.tributary.dsl.plan.TableTableJoinNode;
import dev.tributary.dsl.processor.ProcessorSupplier;
import java.util.List;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/**
 * A stream handle: the name of the node whose output it is, and the schemas known for that
 * output. Immutable; each operation validates its arguments, adds one node and returns a new
 * handle. The casts to {@code Object} types are safe because the plan is untyped data and the
 * typed signatures above guarantee what flows at run time.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class StreamImpl<K, V> implements Stream<K, V> {
    private final PlanGraph graph;
    private final String node;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;
    // Set once an operator may have changed the key: grouping must then repartition first.
    private final boolean keyChanged;

    public StreamImpl(PlanGraph graph, String node, Schema<K> keySchema, Schema<V> valueSchema) {
        this(graph, node, keySchema, valueSchema, false);
    }

    StreamImpl(PlanGraph graph, String node, Schema<K> keySchema, Schema<V> valueSchema, boolean keyChanged) {
        this.graph = graph;
        this.node = node;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.keyChanged = keyChanged;
    }

    public String nodeName() {
        return node;
    }

    PlanGraph graph() {
        return graph;
    }

    Schema<K> keySchema() {
        return keySchema;
    }

    Schema<V> valueSchema() {
        return valueSchema;
    }

    boolean keyChanged() {
        return keyChanged;
    }

    private <KR, VR> Stream<KR, VR> next(String name, Schema<KR> keys, Schema<VR> values) {
        return new StreamImpl<>(graph, name, keys, values, keyChanged);
    }

    private <KR, VR> Stream<KR, VR> rekeyed(String name, Schema<KR> keys, Schema<VR> values) {
        return new StreamImpl<>(graph, name, keys, values, true);
    }

    @Override
    public Stream<K, V> filter(Predicate<? super K, ? super V> predicate) {
        return filter(predicate, null);
    }

    @Override
    public Stream<K, V> filter(Predicate<? super K, ? super V> predicate, Named named) {
        Objects.requireNonNull(predicate, "predicate");
        String name = graph.name(named, "filter");
        graph.add(new FilterNode(name, node, (Predicate) predicate, false));
        return next(name, keySchema, valueSchema);
    }

    @Override
    public Stream<K, V> filterNot(Predicate<? super K, ? super V> predicate) {
        return filterNot(predicate, null);
    }

    @Override
    public Stream<K, V> filterNot(Predicate<? super K, ? super V> predicate, Named named) {
        Objects.requireNonNull(predicate, "predicate");
        String name = graph.name(named, "filter-not");
        graph.add(new FilterNode(name, node, (Predicate) predicate, true));
        return next(name, keySchema, valueSchema);
    }

    @Override
    public <KR, VR> Stream<KR, VR> map(
            KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper) {
        return map(mapper, null);
    }

    @Override
    public <KR, VR> Stream<KR, VR> map(
            KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper, Named named) {
        Objects.requireNonNull(mapper, "mapper");
        String name = graph.name(named, "map");
        graph.add(new MapNode(name, node, (KeyValueMapper) mapper));
        return rekeyed(name, null, null);
    }

    @Override
    public <VR> Stream<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper) {
        return mapValues(mapper, null);
    }

    @Override
    public <VR> Stream<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper, Named named) {
        Objects.requireNonNull(mapper, "mapper");
        return mapValuesWithKey((ValueMapperWithKey<K, V, VR>) (k, v) -> mapper.apply(v), named);
    }

    @Override
    public <VR> Stream<K, VR> mapValuesWithKey(ValueMapperWithKey<? super K, ? super V, ? extends VR> mapper) {
        return mapValuesWithKey(mapper, null);
    }

    @Override
    public <VR> Stream<K, VR> mapValuesWithKey(ValueMapperWithKey<? super K, ? super V, ? extends VR> mapper,
                                               Named named) {
        Objects.requireNonNull(mapper, "mapper");
        String name = graph.name(named, "map-values");
        graph.add(new MapValuesNode(name, node, (ValueMapperWithKey) mapper));
        return next(name, keySchema, null);
    }

    @Override
    public <KR, VR> Stream<KR, VR> flatMap(
            KeyValueMapper<? super K, ? super V, ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>> mapper) {
        return flatMap(mapper, null);
    }

    @Override
    public <KR, VR> Stream<KR, VR> flatMap(
            KeyValueMapper<? super K, ? super V, ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>> mapper,
            Named named) {
        Objects.requireNonNull(mapper, "mapper");
        String name = graph.name(named, "flat-map");
        graph.add(new FlatMapNode(name, node, (KeyValueMapper) mapper));
        return rekeyed(name, null, null);
    }

    @Override
    public <VR> Stream<K, VR> flatMapValues(ValueMapper<? super V, ? extends Iterable<? extends VR>> mapper) {
        return flatMapValues(mapper, null);
    }

    @Override
    public <VR> Stream<K, VR> flatMapValues(ValueMapper<? super V, ? extends Iterable<? extends VR>> mapper,
                                            Named named) {
        Objects.requireNonNull(mapper, "mapper");
        String name = graph.name(named, "flat-map-values");
        ValueMapperWithKey<Object, Object, Iterable<Object>> withKey =
                (k, v) -> (Iterable<Object>) mapper.apply((V) v);
        graph.add(new FlatMapValuesNode(name, node, withKey));
        return next(name, keySchema, null);
    }

    @Override
    public <KR> Stream<KR, V> selectKey(KeyValueMapper<? super K, ? super V, ? extends KR> selector) {
        return selectKey(selector, null);
    }

    @Override
    public <KR> Stream<KR, V> selectKey(KeyValueMapper<? super K, ? super V, ? extends KR> selector, Named named) {
        Objects.requireNonNull(selector, "selector");
        String name = graph.name(named, "select-key");
        graph.add(new SelectKeyNode(name, node, (KeyValueMapper) selector));
        return rekeyed(name, null, valueSchema);
    }

    @Override
    public Stream<K, V> peek(ForeachAction<? super K, ? super V> action) {
        return peek(action, null);
    }

    @Override
    public Stream<K, V> peek(ForeachAction<? super K, ? super V> action, Named named) {
        Objects.requireNonNull(action, "action");
        String name = graph.name(named, "peek");
        graph.add(new PeekNode(name, node, (ForeachAction) action));
        return next(name, keySchema, valueSchema);
    }

    @Override
    public void foreach(ForeachAction<? super K, ? super V> action) {
        foreach(action, null);
    }

    @Override
    public void foreach(ForeachAction<? super K, ? super V> action, Named named) {
        Objects.requireNonNull(action, "action");
        graph.add(new ForeachNode(graph.name(named, "foreach"), node, (ForeachAction) action));
    }

    @Override
    public void sink(String name, dev.tributary.dsl.connect.Sink<? super K, ? super V> sink) {
        Objects.requireNonNull(name, "name");
        graph.add(new dev.tributary.dsl.plan.ConnectorSinkNode(graph.name(name, "connector-sink"), node,
                Objects.requireNonNull(sink, "sink"), valueSchema));
    }

    @Override
    public void sink(String name) {
        Objects.requireNonNull(name, "name");
        graph.add(new dev.tributary.dsl.plan.ConnectorSinkNode(graph.name(name, "connector-sink"), node, null,
                valueSchema));
    }

    @Override
    public BranchedStream<K, V> split() {
        return split(null);
    }

    @Override
    public BranchedStream<K, V> split(Named named) {
        return new BranchedStreamImpl<>(this, named, keySchema, valueSchema);
    }

    @Override
    public Stream<K, V> merge(Stream<K, V> other) {
        return merge(other, null);
    }

    @Override
    public Stream<K, V> merge(Stream<K, V> other, Named named) {
        Objects.requireNonNull(other, "other stream");
        if (!(other instanceof StreamImpl<K, V> that) || that.graph != graph) {
            throw new TopologyException("merge: the other stream belongs to another StreamBuilder");
        }
        String name = graph.name(named, "merge");
        graph.add(new MergeNode(name, List.of(node, that.node)));
        return new StreamImpl<>(graph, name, same(keySchema, that.keySchema), same(valueSchema, that.valueSchema),
                keyChanged || that.keyChanged);
    }

    private static <T> Schema<T> same(Schema<T> a, Schema<T> b) {
        return a != null && b != null && a.getSchemaInfo().equals(b.getSchemaInfo()) ? a : null;
    }

    @Override
    public Stream<K, V> withValueSchema(Schema<V> schema) {
        return next(node, keySchema, Objects.requireNonNull(schema, "value schema"));
    }

    @Override
    public Stream<K, V> withKeySchema(Schema<K> schema) {
        return next(node, Objects.requireNonNull(schema, "key schema"), valueSchema);
    }

    @Override
    public void to(String topic) {
        to(topic, Produced.withStreamSchemas());
    }

    @Override
    public void to(String topic, Schema<V> valueSchema) {
        to(topic, Produced.with(valueSchema));
    }

    @Override
    public void to(String topic, Produced<K, V> produced) {
        if (topic == null || topic.isBlank()) {
            throw new TopologyException("a sink after '" + node + "' has an empty topic name");
        }
        addSink(topic, null, produced);
    }

    @Override
    public void to(TopicNameExtractor<? super K, ? super V> extractor, Produced<K, V> produced) {
        addSink(null, (TopicNameExtractor) Objects.requireNonNull(extractor, "topic extractor"), produced);
    }

    private void addSink(String topic, TopicNameExtractor<Object, Object> extractor, Produced<K, V> produced) {
        ProducedInternal<K, V> options = new ProducedInternal<>(Objects.requireNonNull(produced, "produced"));
        String name = graph.name(options.name(), "sink");
        Schema<?> keys = options.keySchema() != null ? options.keySchema() : keySchema;
        Schema<?> values = options.valueSchema() != null ? options.valueSchema() : valueSchema;
        String target = topic != null ? "topic '" + topic + "'" : "its topics";
        if (keys == null) {
            throw new TopologyException("sink '" + name + "' cannot write " + target + ": the key schema is unknown"
                    + " after node '" + node + "' changed the key type; pass Produced.with(keySchema, valueSchema)"
                    + " or call withKeySchema(...) on the stream");
        }
        if (values == null) {
            throw new TopologyException("sink '" + name + "' cannot write " + target + ": the value schema is unknown"
                    + " after node '" + node + "' changed the value type; pass a value schema to to(...)"
                    + " or call withValueSchema(...) on the stream");
        }
        graph.add(new SinkNode(name, node, topic, extractor, keys, values, options.batching(), options.keyGroups()));
    }

    @Override
    public GroupedStream<K, V> groupByKey() {
        return group(keySchema, valueSchema, null, keyChanged);
    }

    @Override
    public GroupedStream<K, V> groupByKey(Grouped<K, V> grouped) {
        GroupedInternal<K, V> options = new GroupedInternal<>(Objects.requireNonNull(grouped, "grouped"));
        return group(options.keySchema() != null ? options.keySchema() : keySchema,
                options.valueSchema() != null ? options.valueSchema() : valueSchema, options.name(), keyChanged);
    }

    @Override
    public <KR> GroupedStream<KR, V> groupBy(KeyValueMapper<? super K, ? super V, KR> selector, Grouped<KR, V> grouped) {
        GroupedInternal<KR, V> options = new GroupedInternal<>(Objects.requireNonNull(grouped, "grouped"));
        StreamImpl<KR, V> rekeyed = (StreamImpl<KR, V>) selectKey(selector);
        return rekeyed.group(options.keySchema(), options.valueSchema() != null ? options.valueSchema() : valueSchema,
                options.name(), true);
    }

    /** Inserts a repartition node when the key may have changed since the source. */
    private <KG> GroupedStream<KG, V> group(Schema<KG> keys, Schema<V> values, String repartitionName,
                                            boolean repartition) {
        if (keys == null) {
            throw new TopologyException("cannot group the stream after node '" + node + "': its key schema is unknown;"
                    + " pass Grouped.with(keySchema, valueSchema)");
        }
        if (values == null) {
            throw new TopologyException("cannot group the stream after node '" + node + "': its value schema is"
                    + " unknown; pass Grouped.with(keySchema, valueSchema)");
        }
        String parent = node;
        if (repartition) {
            parent = graph.name(repartitionName, "repartition");
            graph.add(new RepartitionNode(parent, node, keys, values));
        }
        return new GroupedStreamImpl<>(graph, parent, keys, values);
    }

    @Override
    public <KR, VR> Stream<KR, VR> process(ProcessorSupplier<? super K, ? super V, KR, VR> supplier, String... storeNames) {
        return process(supplier, null, storeNames);
    }

    @Override
    public <KR, VR> Stream<KR, VR> process(ProcessorSupplier<? super K, ? super V, KR, VR> supplier, Named named,
                                           String... storeNames) {
        Objects.requireNonNull(supplier, "processor supplier");
        String name = graph.name(named, "process");
        String parent = node;
        if (keyChanged && storeNames.length > 0) {
            // Its stores are per key group, so its records must reach the owner of their new key first.
            if (keySchema == null || valueSchema == null) {
                throw new TopologyException("process node '" + name + "' uses stores " + List.of(storeNames)
                        + " after node '" + node + "' changed the key, so its records are repartitioned by the new key;"
                        + " the " + (keySchema == null ? "key" : "value") + " schema is unknown: call "
                        + (keySchema == null ? "withKeySchema" : "withValueSchema") + "(...) on the stream first");
            }
            parent = graph.name((String) null, "repartition");
            graph.add(new RepartitionNode(parent, node, keySchema, valueSchema));
        }
        graph.add(new ProcessNode(name, parent, (ProcessorSupplier) supplier, List.of(storeNames)));
        return rekeyed(name, null, null);
    }

    @Override
    public <VT, VR> Stream<K, VR> join(Table<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner) {
        return Joins.streamTable(this, table, joiner, null, false);
    }

    @Override
    public <VT, VR> Stream<K, VR> join(Table<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner,
                                       Named named) {
        return Joins.streamTable(this, table, joiner, named, false);
    }

    @Override
    public <VT, VR> Stream<K, VR> leftJoin(Table<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner) {
        return Joins.streamTable(this, table, joiner, null, true);
    }

    @Override
    public <VT, VR> Stream<K, VR> leftJoin(Table<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner,
                                           Named named) {
        return Joins.streamTable(this, table, joiner, named, true);
    }

    @Override
    public Table<K, V> toTable() {
        return Joins.toTable(this, null);
    }

    @Override
    public Table<K, V> toTable(dev.tributary.dsl.state.Materialized<K, V> materialized) {
        return Joins.toTable(this, Objects.requireNonNull(materialized, "materialized"));
    }

    @Override
    public <GK, GV, VR> Stream<K, VR> join(dev.tributary.dsl.GlobalTable<GK, GV> table,
                                           KeyValueMapper<? super K, ? super V, ? extends GK> keyMapper,
                                           ValueJoiner<? super V, ? super GV, ? extends VR> joiner) {
        return Joins.global(this, table, keyMapper, joiner, false);
    }

    @Override
    public <GK, GV, VR> Stream<K, VR> leftJoin(dev.tributary.dsl.GlobalTable<GK, GV> table,
                                               KeyValueMapper<? super K, ? super V, ? extends GK> keyMapper,
                                               ValueJoiner<? super V, ? super GV, ? extends VR> joiner) {
        return Joins.global(this, table, keyMapper, joiner, true);
    }

    @Override
    public <VO, VR> Stream<K, VR> join(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                       JoinWindows windows) {
        return Joins.streamStream(this, other, joiner, windows, null, TableTableJoinNode.Kind.INNER);
    }

    @Override
    public <VO, VR> Stream<K, VR> join(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                       JoinWindows windows,
                                       StreamJoined<K, V, VO> joined) {
        return Joins.streamStream(this, other, joiner, windows, Objects.requireNonNull(joined, "joined"),
                TableTableJoinNode.Kind.INNER);
    }

    @Override
    public <VO, VR> Stream<K, VR> leftJoin(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                           JoinWindows windows) {
        return Joins.streamStream(this, other, joiner, windows, null, TableTableJoinNode.Kind.LEFT);
    }

    @Override
    public <VO, VR> Stream<K, VR> leftJoin(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                           JoinWindows windows,
                                           StreamJoined<K, V, VO> joined) {
        return Joins.streamStream(this, other, joiner, windows, Objects.requireNonNull(joined, "joined"),
                TableTableJoinNode.Kind.LEFT);
    }

    @Override
    public <VO, VR> Stream<K, VR> outerJoin(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                            JoinWindows windows) {
        return Joins.streamStream(this, other, joiner, windows, null, TableTableJoinNode.Kind.OUTER);
    }

    @Override
    public <VO, VR> Stream<K, VR> outerJoin(Stream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                            JoinWindows windows,
                                            StreamJoined<K, V, VO> joined) {
        return Joins.streamStream(this, other, joiner, windows, Objects.requireNonNull(joined, "joined"),
                TableTableJoinNode.Kind.OUTER);
    }
}
