package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.StartPosition;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;

/** A source node with its topics normalized. */
public record SourceSpec(String name, List<String> topics, Schema<Object> keySchema, Schema<Object> valueSchema,
                         SubscriptionType subscriptionType, StartPosition startPosition) {
}
