package dev.tributary.dsl.plan;

import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.TopicNameExtractor;
import java.util.List;
import org.apache.pulsar.client.api.Schema;

/**
 * Writes records to a topic, fixed or chosen per record.
 *
 * @param name the node name
 * @param parent the node read from
 * @param topic the fixed topic, or null when {@code topicExtractor} chooses it
 * @param topicExtractor chooses the topic per record, or null for a fixed topic
 * @param keySchema encodes the message key
 * @param valueSchema encodes the message value
 * @param batching how the producer batches
 * @param keyGroups the key-group count batches are cut by, 0 for the job's own
 */
public record SinkNode(String name, String parent, String topic, TopicNameExtractor<Object, Object> topicExtractor,
                       Schema<?> keySchema, Schema<?> valueSchema, ProducerBatching batching, int keyGroups)
        implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "sink";
    }

    @Override
    public String details() {
        return "topic: " + (topic != null ? topic : "chosen per record") + ", key: " + Schemas.describe(keySchema)
                + ", value: " + Schemas.describe(valueSchema) + ", batching: " + batching
                + (keyGroups > 0 ? " (" + keyGroups + " key groups)" : "");
    }
}
