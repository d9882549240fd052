package dev.tributary.dsl.internal;

import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.Produced;
import org.apache.pulsar.client.api.Schema;

/** Reads the fields of a {@link Produced}; kept out of the public API so options stay write-only. */
public final class ProducedInternal<K, V> extends Produced<K, V> {
    public ProducedInternal(Produced<K, V> produced) {
        super(produced);
    }

    public Schema<K> keySchema() {
        return keySchema;
    }

    public Schema<V> valueSchema() {
        return valueSchema;
    }

    public String name() {
        return name;
    }

    public ProducerBatching batching() {
        return batching;
    }

    public int keyGroups() {
        return keyGroups;
    }
}
