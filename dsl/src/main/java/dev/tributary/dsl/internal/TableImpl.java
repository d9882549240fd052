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
}
