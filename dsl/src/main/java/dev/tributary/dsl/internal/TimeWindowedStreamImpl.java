package dev.tributary.dsl.internal;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.Initializer;
import dev.tributary.dsl.Reducer;
import dev.tributary.dsl.SlidingWindows;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.TimeWindowedStream;
import dev.tributary.dsl.TimeWindows;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.plan.WindowAggregateNode;
import dev.tributary.dsl.plan.WindowSpec;
import dev.tributary.dsl.plan.WindowedKeySchema;
import dev.tributary.dsl.state.Materialized;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/** Adds one window-aggregate node and its window store per aggregation, of time or sliding windows. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class TimeWindowedStreamImpl<K, V> implements TimeWindowedStream<K, V> {
    private final PlanGraph graph;
    private final String node;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;
    /** A {@link TimeWindows} or a {@link SlidingWindows}. */
    private final Object windows;
    private final EmitStrategy emit;

    TimeWindowedStreamImpl(PlanGraph graph, String node, Schema<K> keySchema, Schema<V> valueSchema,
                           TimeWindows windows, EmitStrategy emit) {
        this(graph, node, keySchema, valueSchema, (Object) Objects.requireNonNull(windows, "windows"), emit);
    }

    TimeWindowedStreamImpl(PlanGraph graph, String node, Schema<K> keySchema, Schema<V> valueSchema,
                           SlidingWindows windows, EmitStrategy emit) {
        this(graph, node, keySchema, valueSchema, (Object) Objects.requireNonNull(windows, "windows"), emit);
    }

    private TimeWindowedStreamImpl(PlanGraph graph, String node, Schema<K> keySchema, Schema<V> valueSchema,
                                   Object windows, EmitStrategy emit) {
        this.graph = graph;
        this.node = node;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.windows = windows;
        this.emit = emit;
    }

    @Override
    public TimeWindowedStream<K, V> emit(EmitStrategy strategy) {
        if (windows instanceof SlidingWindows
                && Objects.requireNonNull(strategy, "strategy").kind() == EmitStrategy.Kind.ON_COMMIT) {
            // A record's neighbouring windows are read from the store itself: no record cache to emit from.
            throw new TopologyException("sliding windows emit on every update or once when a window closes;"
                    + " EmitStrategy.onCommit() is for tumbling and hopping windows");
        }
        return new TimeWindowedStreamImpl<>(graph, node, keySchema, valueSchema, windows,
                Objects.requireNonNull(strategy, "strategy"));
    }

    @Override
    public Table<Windowed<K>, Long> count() {
        return count(Materialized.with(keySchema, Schema.INT64));
    }

    @Override
    public Table<Windowed<K>, Long> count(Materialized<K, Long> materialized) {
        Materialized<K, Long> withSchema = MaterializedInternal.orValueSchema(materialized, Schema.INT64);
        return add("window-count", () -> 0L, (k, v, count) -> (Long) count + 1, withSchema);
    }

    @Override
    public Table<Windowed<K>, V> reduce(Reducer<V> reducer) {
        return reduce(reducer, Materialized.with(keySchema, valueSchema));
    }

    @Override
    public Table<Windowed<K>, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized) {
        Objects.requireNonNull(reducer, "reducer");
        Materialized<K, V> withSchema = MaterializedInternal.orValueSchema(materialized, valueSchema);
        return add("window-reduce", () -> null,
                (k, v, aggregate) -> aggregate == null ? v : reducer.apply((V) aggregate, (V) v), withSchema);
    }

    @Override
    public <VA> Table<Windowed<K>, VA> aggregate(Initializer<VA> initializer,
                                                 Aggregator<? super K, ? super V, VA> aggregator,
                                                 Materialized<K, VA> materialized) {
        Objects.requireNonNull(initializer, "initializer");
        Objects.requireNonNull(aggregator, "aggregator");
        return add("window-aggregate", (Initializer) initializer, (Aggregator) aggregator, materialized);
    }

    private <VA> Table<Windowed<K>, VA> add(String kind, Initializer<Object> initializer,
                                            Aggregator<Object, Object, Object> aggregator,
                                            Materialized<K, VA> materialized) {
        MaterializedInternal<K, VA> options = new MaterializedInternal<>(Objects.requireNonNull(materialized,
                "materialized"));
        String name = graph.name((String) null, kind);
        options.requireValueSchema(kind, name);
        boolean sliding = windows instanceof SlidingWindows;
        long size = sliding ? ((SlidingWindows) windows).timeDifference().toMillis() + 1
                : ((TimeWindows) windows).size().toMillis();
        long grace = sliding ? ((SlidingWindows) windows).grace().toMillis() : ((TimeWindows) windows).grace().toMillis();
        long retention = options.retention() == null ? size + grace : options.retention().toMillis();
        if (retention < size + grace) {
            throw new TopologyException(kind + " '" + name + "': the store's retention (" + options.retention()
                    + ") must be at least the windows' size plus grace (" + (size + grace) + " ms)");
        }
        Schema<K> keys = options.keySchema() != null ? options.keySchema() : keySchema;
        // The record cache holds each window's writes until the commit (one changelog write per changed
        // window and commit); emitting at commit is done by it, so it cannot be turned off there. Sliding
        // windows read their neighbours from the store itself, so they have none.
        boolean caching = !sliding && (options.cachingEnabled() || emit.kind() == EmitStrategy.Kind.ON_COMMIT);
        WindowSpec spec = sliding ? WindowSpec.sliding(size - 1, grace, retention)
                : new WindowSpec(size, ((TimeWindows) windows).advance().toMillis(), grace, retention);
        StoreSpec store = new StoreSpec(options.storeName() != null ? options.storeName() : name + "-store", keys,
                options.valueSchema(), options.storeType(), caching, options.loggingEnabled(), spec);
        graph.addStore(store);
        graph.add(new WindowAggregateNode(name, node, store, initializer, aggregator, emit.kind()));
        return new TableImpl<>(graph, name, store.name(), new WindowedKeySchema<>(keys), options.valueSchema());
    }
}
