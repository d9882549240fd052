package dev.tributary.dsl.plan;

import java.util.List;
import org.apache.pulsar.client.api.Schema;

/**
 * A global table: its topic, read whole by every instance, and how its keys and values are encoded.
 * It has no parent and passes nothing on; joins read it by name.
 *
 * @param name the global table's name
 * @param topic the topic it is read from
 * @param keySchema how its message keys encode (a key is looked up by these bytes)
 * @param valueSchema how its values decode
 */
public record GlobalTableNode(String name, String topic, Schema<?> keySchema, Schema<?> valueSchema) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of();
    }

    @Override
    public String kind() {
        return "global-table";
    }

    @Override
    public String details() {
        return "topic " + topic + ", key: " + Schemas.describe(keySchema) + ", value: " + Schemas.describe(valueSchema);
    }
}
