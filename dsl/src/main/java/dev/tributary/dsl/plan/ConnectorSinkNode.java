package dev.tributary.dsl.plan;

import dev.tributary.dsl.connect.Sink;
import java.util.List;
import org.apache.pulsar.client.api.Schema;

/**
 * Writes records through a sink connector; a terminal node.
 *
 * @param name the connector's name; its settings are under {@code connector.<name>.}
 * @param parent the node read from
 * @param sink the sink, or null when {@code connector.<name>.type} chooses it at start
 * @param valueSchema the schema of the values the sink receives, or null if unknown
 */
public record ConnectorSinkNode(String name, String parent, Sink<?, ?> sink, Schema<?> valueSchema)
        implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "connector-sink";
    }

    @Override
    public String details() {
        return "connector: " + (sink != null ? sink.getClass().getSimpleName() : "by type");
    }
}
