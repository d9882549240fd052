package dev.tributary.dsl.plan;

import java.util.List;
import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.KeyValueMapper;

/**
 * Replaces each record's key and value.
 *
 * @param name the node name
 * @param parent the node read from
 * @param mapper computes the new key and value
 */
public record MapNode(String name, String parent, KeyValueMapper<Object, Object, KeyValue<Object, Object>> mapper) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "map";
    }

    @Override
    public String details() {
        return "changes key and value";
    }
}
