package dev.tributary.dsl.internal;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.Initializer;
import dev.tributary.dsl.Merger;
import dev.tributary.dsl.Reducer;
import dev.tributary.dsl.SessionWindowedStream;
import dev.tributary.dsl.SessionWindows;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.plan.SessionAggregateNode;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.plan.WindowSpec;
import dev.tributary.dsl.plan.WindowedKeySchema;
import dev.tributary.dsl.state.Materialized;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/** Adds one session-aggregate node and its session store per aggregation. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class SessionWindowedStreamImpl<K, V> implements SessionWindowedStream<K, V> {
    private final PlanGraph graph;
    private final String node;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;
    private final SessionWindows windows;
    private final EmitStrategy emit;

    SessionWindowedStreamImpl(PlanGraph graph, String node, Schema<K> keySchema, Schema<V> valueSchema,
                              SessionWindows windows, EmitStrategy emit) {
        this.graph = graph;
        this.node = node;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.windows = Objects.requireNonNull(windows, "windows");
        this.emit = emit;
    }

    @Override
    public SessionWindowedStream<K, V> emit(EmitStrategy strategy) {
        if (Objects.requireNonNull(strategy, "strategy").kind() == EmitStrategy.Kind.ON_COMMIT) {
            throw new TopologyException("session windows emit on every update or once when a session closes;"
                    + " EmitStrategy.onCommit() is for time windows");
        }
        return new SessionWindowedStreamImpl<>(graph, node, keySchema, valueSchema, windows, strategy);
    }

    @Override
    public Table<Windowed<K>, Long> count() {
        return count(Materialized.with(keySchema, Schema.INT64));
    }

    @Override
    public Table<Windowed<K>, Long> count(Materialized<K, Long> materialized) {
        Materialized<K, Long> withSchema = MaterializedInternal.orValueSchema(materialized, Schema.INT64);
        return add("session-count", () -> 0L, (k, v, count) -> (Long) count + 1,
                (k, a, b) -> (Long) a + (Long) b, withSchema);
    }

    @Override
    public Table<Windowed<K>, V> reduce(Reducer<V> reducer) {
        return reduce(reducer, Materialized.with(keySchema, valueSchema));
    }

    @Override
    public Table<Windowed<K>, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized) {
        Objects.requireNonNull(reducer, "reducer");
        Materialized<K, V> withSchema = MaterializedInternal.orValueSchema(materialized, valueSchema);
        return add("session-reduce", () -> null,
                (k, v, aggregate) -> aggregate == null ? v : reducer.apply((V) aggregate, (V) v),
                (k, a, b) -> reducer.apply((V) a, (V) b), withSchema);
    }

    @Override
    public <VA> Table<Windowed<K>, VA> aggregate(Initializer<VA> initializer,
                                                 Aggregator<? super K, ? super V, VA> aggregator,
                                                 Merger<? super K, VA> merger, Materialized<K, VA> materialized) {
        Objects.requireNonNull(initializer, "initializer");
        Objects.requireNonNull(aggregator, "aggregator");
        Objects.requireNonNull(merger, "merger");
        return add("session-aggregate", (Initializer) initializer, (Aggregator) aggregator, (Merger) merger,
                materialized);
    }

    private <VA> Table<Windowed<K>, VA> add(String kind, Initializer<Object> initializer,
                                            Aggregator<Object, Object, Object> aggregator,
                                            Merger<Object, Object> merger, Materialized<K, VA> materialized) {
        MaterializedInternal<K, VA> options = new MaterializedInternal<>(Objects.requireNonNull(materialized,
                "materialized"));
        String name = graph.name((String) null, kind);
        options.requireValueSchema(kind, name);
        long gap = windows.inactivityGap().toMillis();
        long grace = windows.grace().toMillis();
        long retention = options.retention() == null ? gap + grace : options.retention().toMillis();
        if (retention < gap + grace) {
            throw new TopologyException(kind + " '" + name + "': the store's retention (" + options.retention()
                    + ") must be at least the inactivity gap plus grace (" + (gap + grace) + " ms)");
        }
        Schema<K> keys = options.keySchema() != null ? options.keySchema() : keySchema;
        // A session's neighbours are read from the store itself: no record cache in between.
        StoreSpec store = new StoreSpec(options.storeName() != null ? options.storeName() : name + "-store", keys,
                options.valueSchema(), options.storeType(), false, options.loggingEnabled(),
                WindowSpec.sessions(gap, grace, retention));
        graph.addStore(store);
        graph.add(new SessionAggregateNode(name, node, store, initializer, aggregator, merger, emit.kind()));
        return new TableImpl<>(graph, name, store.name(), new WindowedKeySchema<>(keys), options.valueSchema());
    }
}
