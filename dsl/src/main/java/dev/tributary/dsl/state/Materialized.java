package dev.tributary.dsl.state;

import dev.tributary.dsl.Named;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/**
 * Names and configures the store behind an aggregation or a table. Immutable: every
 * {@code with...} method returns a copy.
 *
 * <pre>{@code
 * grouped.count(Materialized.as("clicks-per-user"));
 * grouped.aggregate(Total::new, (user, order, total) -> total.add(order),
 *         Materialized.<String, Total>as("totals").withValueSchema(Schema.AVRO(Total.class)));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class Materialized<K, V> {
    /** The store's name, or null for a name derived from the node. */
    protected final String storeName;
    /** The key schema, or null for the stream's. */
    protected final Schema<K> keySchema;
    /** The value schema, or null where the operation implies one. */
    protected final Schema<V> valueSchema;
    /** Where entries are kept. */
    protected final StoreType storeType;
    /** Whether writes are absorbed by the record cache until the commit. */
    protected final boolean cachingEnabled;
    /** Whether writes are logged to a changelog topic. */
    protected final boolean loggingEnabled;
    /** How long a window store keeps a window after its start, or null for size + grace. */
    protected final java.time.Duration retention;

    /**
     * Copies another instance; for the DSL implementation.
     *
     * @param other the instance to copy
     */
    protected Materialized(Materialized<K, V> other) {
        this(other.storeName, other.keySchema, other.valueSchema, other.storeType, other.cachingEnabled,
                other.loggingEnabled, other.retention);
    }

    private Materialized(String storeName, Schema<K> keySchema, Schema<V> valueSchema, StoreType storeType,
                         boolean cachingEnabled, boolean loggingEnabled) {
        this(storeName, keySchema, valueSchema, storeType, cachingEnabled, loggingEnabled, null);
    }

    private Materialized(String storeName, Schema<K> keySchema, Schema<V> valueSchema, StoreType storeType,
                         boolean cachingEnabled, boolean loggingEnabled, java.time.Duration retention) {
        this.retention = retention;
        this.storeName = storeName;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.storeType = storeType;
        this.cachingEnabled = cachingEnabled;
        this.loggingEnabled = loggingEnabled;
    }

    /**
     * A store with a name. Name stores whose state must survive a change of the topology: the name
     * is part of the changelog topic's name.
     *
     * @param storeName the store's name (see {@link Named})
     * @param <K> the key type
     * @param <V> the value type
     * @return the options: RocksDB, cached, logged
     */
    public static <K, V> Materialized<K, V> as(String storeName) {
        return new Materialized<>(Named.validate(storeName), null, null, StoreType.ROCKSDB, true, true);
    }

    /**
     * A store with schemas and a generated name.
     *
     * @param keySchema the key schema
     * @param valueSchema the value schema
     * @param <K> the key type
     * @param <V> the value type
     * @return the options: RocksDB, cached, logged
     */
    public static <K, V> Materialized<K, V> with(Schema<K> keySchema, Schema<V> valueSchema) {
        return new Materialized<>(null, Objects.requireNonNull(keySchema, "key schema"),
                Objects.requireNonNull(valueSchema, "value schema"), StoreType.ROCKSDB, true, true);
    }

    /**
     * Sets the key schema.
     *
     * @param schema the key schema
     * @return a copy with it
     */
    public Materialized<K, V> withKeySchema(Schema<K> schema) {
        return new Materialized<>(storeName, Objects.requireNonNull(schema, "key schema"), valueSchema, storeType,
                cachingEnabled, loggingEnabled, retention);
    }

    /**
     * Sets the value schema.
     *
     * @param schema the value schema
     * @return a copy with it
     */
    public Materialized<K, V> withValueSchema(Schema<V> schema) {
        return new Materialized<>(storeName, keySchema, Objects.requireNonNull(schema, "value schema"), storeType,
                cachingEnabled, loggingEnabled, retention);
    }

    /**
     * Chooses where entries are kept.
     *
     * @param type RocksDB (the default) or in memory
     * @return a copy with it
     */
    public Materialized<K, V> withStoreType(StoreType type) {
        return new Materialized<>(storeName, keySchema, valueSchema, Objects.requireNonNull(type, "store type"),
                cachingEnabled, loggingEnabled, retention);
    }

    /**
     * Writes every update through to the store and, for tables, emits every update downstream.
     *
     * @return a copy without the record cache
     */
    public Materialized<K, V> withCachingDisabled() {
        return new Materialized<>(storeName, keySchema, valueSchema, storeType, false, loggingEnabled, retention);
    }

    /**
     * Does not log writes: the store is lost with its local files and cannot move with its keys.
     *
     * @return a copy without a changelog
     */
    public Materialized<K, V> withLoggingDisabled() {
        return new Materialized<>(storeName, keySchema, valueSchema, storeType, cachingEnabled, false, retention);
    }

    /**
     * For a window store: keeps each window this long after its start, instead of its size plus grace,
     * so that windows stay readable (and their changelog entries stay) after they close.
     *
     * @param retention at least the windows' size plus grace
     * @return a copy with it
     */
    public Materialized<K, V> withRetention(java.time.Duration retention) {
        Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("a store's retention must be positive, got " + retention);
        }
        return new Materialized<>(storeName, keySchema, valueSchema, storeType, cachingEnabled, loggingEnabled,
                retention);
    }
}
