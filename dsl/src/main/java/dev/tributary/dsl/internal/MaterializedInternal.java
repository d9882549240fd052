package dev.tributary.dsl.internal;

import dev.tributary.dsl.state.Materialized;
import dev.tributary.dsl.state.StoreType;
import org.apache.pulsar.client.api.Schema;

/** Reads the fields of a {@link Materialized}. */
public final class MaterializedInternal<K, V> extends Materialized<K, V> {
    public MaterializedInternal(Materialized<K, V> materialized) {
        super(materialized);
    }

    public String storeName() {
        return storeName;
    }

    public Schema<K> keySchema() {
        return keySchema;
    }

    public Schema<V> valueSchema() {
        return valueSchema;
    }

    public StoreType storeType() {
        return storeType;
    }

    public boolean cachingEnabled() {
        return cachingEnabled;
    }

    public boolean loggingEnabled() {
        return loggingEnabled;
    }

    /** The options with a value schema: theirs if they name one, else the one the operation implies. */
    public static <K, V> Materialized<K, V> orValueSchema(Materialized<K, V> materialized, Schema<V> implied) {
        return new MaterializedInternal<>(materialized).valueSchema() == null ? materialized.withValueSchema(implied)
                : materialized;
    }

    /**
     * Checks that an aggregation's options name its value schema.
     *
     * @throws dev.tributary.dsl.TopologyException naming the node if they do not
     */
    public MaterializedInternal<K, V> requireValueSchema(String kind, String node) {
        if (valueSchema == null) {
            throw new dev.tributary.dsl.TopologyException(kind + " '" + node + "' needs the aggregate's value schema:"
                    + " pass Materialized.with(keySchema, valueSchema) or withValueSchema(...)");
        }
        return this;
    }

    public java.time.Duration retention() {
        return retention;
    }
}
