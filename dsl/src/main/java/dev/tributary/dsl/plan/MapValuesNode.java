package dev.tributary.dsl.plan;

import java.util.List;
import dev.tributary.dsl.ValueMapperWithKey;

/**
 * Replaces each record's value, keeping its key.
 *
 * @param name the node name
 * @param parent the node read from
 * @param mapper computes the new value
 */
public record MapValuesNode(String name, String parent, ValueMapperWithKey<Object, Object, Object> mapper) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "map-values";
    }
}
