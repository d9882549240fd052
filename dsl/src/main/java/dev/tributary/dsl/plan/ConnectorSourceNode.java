package dev.tributary.dsl.plan;

import dev.tributary.dsl.connect.Source;
import java.util.List;
import org.apache.pulsar.client.api.Schema;

/**
 * Runs a source connector that writes into a topic. It has no parents and no children: the topology
 * reads the topic through an ordinary {@link SourceNode}.
 *
 * @param name the connector's name; its settings are under {@code connector.<name>.}
 * @param source the source, or null when {@code connector.<name>.type} chooses it at start
 * @param topic the topic it writes to, as the user wrote it
 * @param valueSchema encodes the values it emits
 */
public record ConnectorSourceNode(String name, Source<?> source, String topic, Schema<?> valueSchema)
        implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of();
    }

    @Override
    public String kind() {
        return "connector-source";
    }

    @Override
    public String details() {
        return "connector: " + (source != null ? source.getClass().getSimpleName() : "by type") + ", topic: " + topic
                + ", value: " + Schemas.describe(valueSchema);
    }
}
