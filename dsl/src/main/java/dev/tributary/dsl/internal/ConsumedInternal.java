package dev.tributary.dsl.internal;

import dev.tributary.dsl.Consumed;
import dev.tributary.dsl.StartPosition;
import dev.tributary.dsl.TimestampExtractor;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;

/** Reads the fields of a {@link Consumed}; kept out of the public API so options stay write-only. */
public final class ConsumedInternal<K, V> extends Consumed<K, V> {
    public ConsumedInternal(Consumed<K, V> consumed) {
        super(consumed);
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

    public SubscriptionType subscriptionType() {
        return subscriptionType;
    }

    public StartPosition startPosition() {
        return startPosition;
    }

    /** The extractor of record times, or null for the message's own time. */
    public TimestampExtractor<? super K, ? super V> timestampExtractor() {
        return timestampExtractor;
    }
}
