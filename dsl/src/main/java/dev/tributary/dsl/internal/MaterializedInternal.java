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

    public java.time.Duration retention() {
        return retention;
    }
}
