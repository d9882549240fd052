package dev.tributary.dsl.plan;

import dev.tributary.dsl.StartPosition;
import dev.tributary.dsl.TimestampExtractor;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;

/**
 * Reads records from one or more topics.
 *
 * @param name the node name
 * @param topics the topics, as the user wrote them
 * @param keySchema decodes the message key's bytes
 * @param valueSchema decodes the message value
 * @param subscriptionType Key_Shared, Failover or Exclusive
 * @param startPosition where a new subscription starts
 * @param timestampExtractor chooses each record's time, or null for the message's event time (else publish time)
 */
public record SourceNode(String name, List<String> topics, Schema<?> keySchema, Schema<?> valueSchema,
                         SubscriptionType subscriptionType, StartPosition startPosition,
                         TimestampExtractor<Object, Object> timestampExtractor) implements PlanNode {
    /**
     * Copies the topic list.
     *
     * @param name the node name
     * @param topics the topics, as the user wrote them
     * @param keySchema decodes the message key's bytes
     * @param valueSchema decodes the message value
     * @param subscriptionType Key_Shared, Failover or Exclusive
     * @param startPosition where a new subscription starts
     * @param timestampExtractor chooses each record's time, or null for the message's event time (else publish time)
     */
    public SourceNode {
        topics = List.copyOf(topics);
    }

    @Override
    public List<String> parents() {
        return List.of();
    }

    @Override
    public String kind() {
        return "source";
    }

    @Override
    public String details() {
        return "topics: " + topics + ", key: " + Schemas.describe(keySchema) + ", value: "
                + Schemas.describe(valueSchema) + ", subscription: " + subscriptionType + ", start: " + startPosition;
    }
}
