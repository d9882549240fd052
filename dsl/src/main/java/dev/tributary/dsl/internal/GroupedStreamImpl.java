package dev.tributary.dsl.internal;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.GroupedStream;
import dev.tributary.dsl.Initializer;
import dev.tributary.dsl.Reducer;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.plan.AggregateNode;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.state.Materialized;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/** Adds one aggregate node and its store per aggregation. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class GroupedStreamImpl<K, V> implements GroupedStream<K, V> {
    private final PlanGraph graph;
    private final String node;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;

    GroupedStreamImpl(PlanGraph graph, String node, Schema<K> keySchema, Schema<V> valueSchema) {
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
        Materialized<K, Long> withSchema = MaterializedInternal.orValueSchema(materialized, Schema.INT64);
        return add("count", () -> 0L, (k, v, count) -> (Long) count + 1, withSchema);
    }

    @Override
    public Table<K, V> reduce(Reducer<V> reducer) {
        return reduce(reducer, Materialized.with(keySchema, valueSchema));
    }

    @Override
    public Table<K, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized) {
        Objects.requireNonNull(reducer, "reducer");
        Materialized<K, V> withSchema = MaterializedInternal.orValueSchema(materialized, valueSchema);
        return add("reduce", () -> null, (k, v, aggregate) -> aggregate == null ? v : reducer.apply((V) aggregate, (V) v),
                withSchema);
    }

    @Override
    public <VA> Table<K, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator,
                                       Materialized<K, VA> materialized) {
        Objects.requireNonNull(initializer, "initializer");
        Objects.requireNonNull(aggregator, "aggregator");
        return add("aggregate", (Initializer) initializer, (Aggregator) aggregator, materialized);
    }

    @Override
    public dev.tributary.dsl.TimeWindowedStream<K, V> windowedBy(dev.tributary.dsl.TimeWindows windows) {
        return new TimeWindowedStreamImpl<>(graph, node, keySchema, valueSchema, windows,
                dev.tributary.dsl.EmitStrategy.onWindowUpdate());
    }

    @Override
    public dev.tributary.dsl.TimeWindowedStream<K, V> windowedBy(dev.tributary.dsl.SlidingWindows windows) {
        return new TimeWindowedStreamImpl<>(graph, node, keySchema, valueSchema, windows,
                dev.tributary.dsl.EmitStrategy.onWindowUpdate());
    }

    @Override
    public dev.tributary.dsl.SessionWindowedStream<K, V> windowedBy(dev.tributary.dsl.SessionWindows windows) {
        return new SessionWindowedStreamImpl<>(graph, node, keySchema, valueSchema, windows,
                dev.tributary.dsl.EmitStrategy.onWindowUpdate());
    }

    private <VA> Table<K, VA> add(String kind, Initializer<Object> initializer, Aggregator<Object, Object, Object> aggregator,
                                  Materialized<K, VA> materialized) {
        MaterializedInternal<K, VA> options = new MaterializedInternal<>(Objects.requireNonNull(materialized, "materialized"));
        String name = graph.name((String) null, kind);
        options.requireValueSchema(kind, name);
        Schema<K> keys = options.keySchema() != null ? options.keySchema() : keySchema;
        StoreSpec store = new StoreSpec(options.storeName() != null ? options.storeName() : name + "-store", keys,
                options.valueSchema(), options.storeType(), options.cachingEnabled(), options.loggingEnabled());
        graph.addStore(store);
        graph.add(new AggregateNode(name, node, store, initializer, aggregator));
        return new TableImpl<>(graph, name, store.name(), keys, options.valueSchema());
    }
}
