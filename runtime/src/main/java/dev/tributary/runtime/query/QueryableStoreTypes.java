package dev.tributary.runtime.query;

import dev.tributary.dsl.state.ReadOnlyKeyValueStore;
import dev.tributary.dsl.state.ReadOnlySessionStore;
import dev.tributary.dsl.state.ReadOnlyWindowStore;

/** The kinds of store a query can ask for, each with its read-only view. */
public final class QueryableStoreTypes {
    private QueryableStoreTypes() {
    }

    /**
     * A key-value store.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return the type to pass to {@code store(name, type)}
     */
    public static <K, V> QueryableStoreType<ReadOnlyKeyValueStore<K, V>> keyValue() {
        return new QueryableStoreType<>(QueryableStoreType.Kind.KEY_VALUE);
    }

    /**
     * A store of fixed-size or sliding windows.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return the type to pass to {@code store(name, type)}
     */
    public static <K, V> QueryableStoreType<ReadOnlyWindowStore<K, V>> window() {
        return new QueryableStoreType<>(QueryableStoreType.Kind.WINDOW);
    }

    /**
     * A store of session windows.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return the type to pass to {@code store(name, type)}
     */
    public static <K, V> QueryableStoreType<ReadOnlySessionStore<K, V>> session() {
        return new QueryableStoreType<>(QueryableStoreType.Kind.SESSION);
    }
}
