package dev.tributary.dsl.plan;

import java.util.List;
import org.apache.pulsar.client.api.Schema;

/**
 * Sends records through an internal topic keyed by their current key, so that each key's records reach the owner of its key group. The topic is named after the application and this node.
 *
 * @param name the node name
 * @param parent the node read from
 * @param keySchema encodes the key on the internal topic
 * @param valueSchema encodes the value on the internal topic
 */
public record RepartitionNode(String name, String parent, Schema<?> keySchema, Schema<?> valueSchema) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "repartition";
    }

    @Override
    public String details() {
        return "through internal topic <application>-" + name + "-repartition, key: " + Schemas.describe(keySchema)
                + ", value: " + Schemas.describe(valueSchema);
    }
}
