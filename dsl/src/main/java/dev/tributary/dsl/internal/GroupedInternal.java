package dev.tributary.dsl.internal;

import dev.tributary.dsl.Grouped;
import org.apache.pulsar.client.api.Schema;

/** Reads the fields of a {@link Grouped}. */
public final class GroupedInternal<K, V> extends Grouped<K, V> {
    public GroupedInternal(Grouped<K, V> grouped) {
        super(grouped);
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
}
