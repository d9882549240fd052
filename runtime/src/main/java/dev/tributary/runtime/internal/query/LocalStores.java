package dev.tributary.runtime.internal.query;

import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.plan.WindowSpec;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.runtime.query.QueryableStoreType;
import java.util.ArrayList;
import java.util.List;
import org.apache.pulsar.client.api.Schema;

/**
 * The stores of this instance that queries may read, each as the read-only view its kind calls for.
 * A stream join's buffers are internal and not listed.
 */
public final class LocalStores {
    /** A store as {@code GET /stores} lists it. */
    public record StoreInfo(String name, QueryableStoreType.Kind kind, String keySchema, String valueSchema) {
    }

    private final TaskState state;
    private final Readable.Locator locator;

    /** @param locator says why a key group cannot be read here (restoring, moving, elsewhere, stopped) */
    public LocalStores(TaskState state, Readable.Locator locator) {
        this.state = state;
        this.locator = locator;
    }

    /** Whether a job's store of this spec can be queried. */
    static boolean queryable(StoreSpec spec) {
        return (spec.windows() == null || spec.windows().kind() != WindowSpec.Kind.JOIN)
                && !dev.tributary.runtime.internal.task.RedeliveryGuard.isPositions(spec);
    }

    static QueryableStoreType.Kind kindOf(StoreSpec spec) {
        if (spec.windows() == null) {
            return QueryableStoreType.Kind.KEY_VALUE;
        }
        return spec.windows().kind() == WindowSpec.Kind.SESSION ? QueryableStoreType.Kind.SESSION
                : QueryableStoreType.Kind.WINDOW;
    }

    /** The stores queries may read, in the topology's order. */
    public List<StoreInfo> stores() {
        List<StoreInfo> stores = new ArrayList<>();
        for (StoreSpec spec : state.specs()) {
            if (queryable(spec)) {
                stores.add(new StoreInfo(spec.name(), kindOf(spec), spec.keySchema().getSchemaInfo().getType().name(),
                        spec.valueSchema().getSchemaInfo().getType().name()));
            }
        }
        return stores;
    }

    /** The spec of a queryable store, or null. */
    public StoreSpec spec(String name) {
        for (StoreSpec spec : state.specs()) {
            if (spec.name().equals(name) && queryable(spec)) {
                return spec;
            }
        }
        return null;
    }

    /**
     * A read-only view of a store.
     *
     * @param stale whether keys of standby copies may be read too
     * @throws IllegalArgumentException naming the stores there are, if there is no such store or it is of
     *     another kind
     */
    @SuppressWarnings("unchecked")
    public <T> T store(String name, QueryableStoreType<T> type, boolean stale) {
        StoreSpec spec = spec(name);
        if (spec == null) {
            throw new IllegalArgumentException("no store named '" + name + "' can be queried in this job; its stores: "
                    + stores().stream().map(s -> s.name() + " (" + describe(s.kind()) + ")").toList());
        }
        QueryableStoreType.Kind kind = kindOf(spec);
        if (kind != type.kind()) {
            throw new IllegalArgumentException("store '" + name + "' is a " + describe(kind) + ", not a "
                    + describe(type.kind()) + "; ask for it with QueryableStoreTypes."
                    + (kind == QueryableStoreType.Kind.KEY_VALUE ? "keyValue()"
                    : kind == QueryableStoreType.Kind.WINDOW ? "window()" : "session()"));
        }
        Readable readable = new Readable(state, locator, stale);
        Schema<Object> keySchema = (Schema<Object>) spec.keySchema();
        Schema<Object> valueSchema = (Schema<Object>) spec.valueSchema();
        if (kind == QueryableStoreType.Kind.KEY_VALUE) {
            return (T) new KeyValueView<>(name, keySchema, valueSchema, state.keyGroups(), state.reads(name), readable);
        }
        return (T) new WindowView<>(name, keySchema, valueSchema, spec.windows(), state.keyGroups(), state.reads(name),
                readable);
    }

    /** A store of windows or sessions, as the HTTP endpoints read it. */
    @SuppressWarnings("unchecked")
    WindowView<Object, Object> windows(String name, boolean stale) {
        StoreSpec spec = spec(name);
        return new WindowView<>(name, (Schema<Object>) spec.keySchema(), (Schema<Object>) spec.valueSchema(),
                spec.windows(), state.keyGroups(), state.reads(name), new Readable(state, locator, stale));
    }

    /** How stale a read of a key group is here: 0 if it runs here, else the standby copy's age in ms, -1 if none. */
    public long lagMillis(int group) {
        return new Readable(state, locator, true).lagMillis(group);
    }

    public TaskState state() {
        return state;
    }

    static String describe(QueryableStoreType.Kind kind) {
        return switch (kind) {
            case KEY_VALUE -> "key-value store";
            case WINDOW -> "window store";
            case SESSION -> "session store";
        };
    }
}
