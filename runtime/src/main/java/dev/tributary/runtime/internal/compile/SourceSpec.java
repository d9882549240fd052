package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.StartPosition;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;

/**
 * A source with its topics normalized. An internal source reads a topic the job itself writes (a
 * repartition topic); its records enter the children of {@code entryNode}.
 */
public record SourceSpec(String name, List<String> topics, Schema<Object> keySchema, Schema<Object> valueSchema,
                         SubscriptionType subscriptionType, StartPosition startPosition, boolean internal,
                         String entryNode) {
}
