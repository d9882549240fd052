package dev.tributary.dsl.internal;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.GroupedTable;
import dev.tributary.dsl.Initializer;
import dev.tributary.dsl.Reducer;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.plan.TableAggregateNode;
import dev.tributary.dsl.state.Materialized;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/** Adds one table-aggregate node and its store per aggregation, after the group-by's repartition. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class GroupedTableImpl<K, V> implements GroupedTable<K, V> {
    private final PlanGraph graph;
    private final String node;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;

    GroupedTableImpl(PlanGraph graph, String node, Schema<K> keySchema, Schema<V> valueSchema) {
        this.graph = graph;
        this.node = node;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
    }

    @Override
    public Table<K, Long> count() {
        return count(Materialized.with(keySchema, Schema.INT64));
    }

    @Override
    public Table<K, Long> count(Materialized<K, Long> materialized) {
        return add("table-count", () -> 0L, (k, v, count) -> (Long) count + 1, (k, v, count) -> (Long) count - 1,
                MaterializedInternal.orValueSchema(materialized, Schema.INT64));
    }

    @Override
    public Table<K, V> reduce(Reducer<V> adder, Reducer<V> subtractor) {
        Objects.requireNonNull(adder, "adder");
        Objects.requireNonNull(subtractor, "subtractor");
        return add("table-reduce", () -> null,
                (k, v, aggregate) -> aggregate == null ? v : adder.apply((V) aggregate, (V) v),
                (k, v, aggregate) -> subtractor.apply((V) aggregate, (V) v), Materialized.with(keySchema, valueSchema));
    }

    @Override
    public <VA> Table<K, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> adder,
                                       Aggregator<? super K, ? super V, VA> subtractor, Materialized<K, VA> materialized) {
        Objects.requireNonNull(initializer, "initializer");
        Objects.requireNonNull(adder, "adder");
        Objects.requireNonNull(subtractor, "subtractor");
        return add("table-aggregate", (Initializer) initializer, (Aggregator) adder, (Aggregator) subtractor,
                materialized);
    }

    private <VA> Table<K, VA> add(String kind, Initializer<Object> initializer, Aggregator<Object, Object, Object> adder,
                                  Aggregator<Object, Object, Object> subtractor, Materialized<K, VA> materialized) {
        MaterializedInternal<K, VA> options = new MaterializedInternal<>(Objects.requireNonNull(materialized,
                "materialized"));
        String name = graph.name((String) null, kind);
        options.requireValueSchema(kind, name);
        Schema<K> keys = options.keySchema() != null ? options.keySchema() : keySchema;
        StoreSpec store = new StoreSpec(options.storeName() != null ? options.storeName() : name + "-store", keys,
                options.valueSchema(), options.storeType(), options.cachingEnabled(), options.loggingEnabled());
        graph.addStore(store);
        graph.add(new TableAggregateNode(name, node, store, initializer, adder, subtractor));
        return new TableImpl<>(graph, name, store.name(), keys, options.valueSchema());
    }
}
