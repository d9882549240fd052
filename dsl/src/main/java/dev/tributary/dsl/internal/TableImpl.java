package dev.tributary.dsl.internal;

import dev.tributary.dsl.Named;
import dev.tributary.dsl.Predicate;
import dev.tributary.dsl.Stream;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.ValueMapper;
import dev.tributary.dsl.ValueMapperWithKey;
import dev.tributary.dsl.plan.TableFilterNode;
import dev.tributary.dsl.plan.TableMapValuesNode;
import dev.tributary.dsl.plan.ToStreamNode;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/** A table handle: the node emitting its updates, its store if materialized, and its schemas. */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class TableImpl<K, V> implements Table<K, V> {
    private final PlanGraph graph;
    private final String node;
    private final String storeName;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;

    public TableImpl(PlanGraph graph, String node, String storeName, Schema<K> keySchema, Schema<V> valueSchema) {
        this.graph = graph;
        this.node = node;
        this.storeName = storeName;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
    }

    PlanGraph graph() {
        return graph;
    }

    String nodeName() {
        return node;
    }

    Schema<K> keySchema() {
        return keySchema;
    }

    @Override
    public Table<K, V> filter(Predicate<? super K, ? super V> predicate) {
        return filter(predicate, null);
    }

    @Override
    public Table<K, V> filter(Predicate<? super K, ? super V> predicate, Named named) {
        Objects.requireNonNull(predicate, "predicate");
        String name = graph.name(named, "table-filter");
        graph.add(new TableFilterNode(name, node, (Predicate) predicate, false));
        return new TableImpl<>(graph, name, null, keySchema, valueSchema);
    }

    @Override
    public <VR> Table<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper) {
        return mapValues(mapper, null);
    }

    @Override
    public <VR> Table<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper, Named named) {
        Objects.requireNonNull(mapper, "mapper");
        String name = graph.name(named, "table-map-values");
        ValueMapperWithKey<Object, Object, Object> withKey = (k, v) -> mapper.apply((V) v);
        graph.add(new TableMapValuesNode(name, node, withKey));
        return new TableImpl<>(graph, name, null, keySchema, null);
    }

    @Override
    public Stream<K, V> toStream() {
        return toStream(null);
    }

    @Override
    public Stream<K, V> toStream(Named named) {
        String name = graph.name(named, "to-stream");
        graph.add(new ToStreamNode(name, node));
        return new StreamImpl<>(graph, name, keySchema, valueSchema);
    }

    @Override
    public String storeName() {
        return storeName;
    }

    @Override
    public <VO, VR> Table<K, VR> join(Table<K, VO> other, dev.tributary.dsl.ValueJoiner<? super V, ? super VO,
            ? extends VR> joiner) {
        return Joins.tableTable(this, other, joiner, dev.tributary.dsl.plan.TableTableJoinNode.Kind.INNER);
    }

    @Override
    public <VO, VR> Table<K, VR> leftJoin(Table<K, VO> other, dev.tributary.dsl.ValueJoiner<? super V, ? super VO,
            ? extends VR> joiner) {
        return Joins.tableTable(this, other, joiner, dev.tributary.dsl.plan.TableTableJoinNode.Kind.LEFT);
    }

    @Override
    public <VO, VR> Table<K, VR> outerJoin(Table<K, VO> other, dev.tributary.dsl.ValueJoiner<? super V, ? super VO,
            ? extends VR> joiner) {
        return Joins.tableTable(this, other, joiner, dev.tributary.dsl.plan.TableTableJoinNode.Kind.OUTER);
    }

    @Override
    public <KO, VO, VR> Table<K, VR> join(Table<KO, VO> other, ValueMapper<? super V, ? extends KO> foreignKeyExtractor,
                                          dev.tributary.dsl.ValueJoiner<? super V, ? super VO, ? extends VR> joiner) {
        return ForeignKeyJoins.join(this, other, foreignKeyExtractor, joiner, false);
    }

    @Override
    public <KO, VO, VR> Table<K, VR> leftJoin(Table<KO, VO> other,
                                              ValueMapper<? super V, ? extends KO> foreignKeyExtractor,
                                              dev.tributary.dsl.ValueJoiner<? super V, ? super VO, ? extends VR> joiner) {
        return ForeignKeyJoins.join(this, other, foreignKeyExtractor, joiner, true);
    }

    @Override
    public <KR, VR> dev.tributary.dsl.GroupedTable<KR, VR> groupBy(
            dev.tributary.dsl.KeyValueMapper<? super K, ? super V, dev.tributary.dsl.KeyValue<KR, VR>> selector,
            dev.tributary.dsl.Grouped<KR, VR> grouped) {
        Objects.requireNonNull(selector, "selector");
        GroupedInternal<KR, VR> options = new GroupedInternal<>(Objects.requireNonNull(grouped, "grouped"));
        String name = graph.name((String) null, "table-group-by");
        if (options.keySchema() == null || options.valueSchema() == null) {
            throw new dev.tributary.dsl.TopologyException("table-group-by '" + name + "': the new key's and value's"
                    + " schemas go through a repartition topic; pass both with Grouped.with(keySchema, valueSchema)");
        }
        if (keySchema == null || valueSchema == null) {
            throw new dev.tributary.dsl.TopologyException("table-group-by '" + name + "': it keeps each row's last"
                    + " value to take it out of its old group, and the table's " + (keySchema == null ? "key" : "value")
                    + " schema is unknown after node '" + node + "'; group the table it comes from");
        }
        // Each row's last value, by the table's key, to take out of its old group when it changes.
        dev.tributary.dsl.plan.StoreSpec previous = new dev.tributary.dsl.plan.StoreSpec(name + "-previous", keySchema,
                valueSchema, dev.tributary.dsl.state.StoreType.ROCKSDB, false, true);
        graph.addStore(previous);
        graph.add(new dev.tributary.dsl.plan.TableGroupByNode(name, node, previous,
                (dev.tributary.dsl.KeyValueMapper) selector));
        String repartition = graph.name(options.name(), "repartition");
        graph.add(new dev.tributary.dsl.plan.RepartitionNode(repartition, name, options.keySchema(),
                options.valueSchema()));
        return new GroupedTableImpl<>(graph, repartition, options.keySchema(), options.valueSchema());
    }
}
