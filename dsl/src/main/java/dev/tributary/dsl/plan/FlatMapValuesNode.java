package dev.tributary.dsl.plan;

import java.util.List;
import dev.tributary.dsl.ValueMapperWithKey;

/**
 * Replaces each record by zero or more records with the same key.
 *
 * @param name the node name
 * @param parent the node read from
 * @param mapper computes the new values
 */
public record FlatMapValuesNode(String name, String parent, ValueMapperWithKey<Object, Object, Iterable<Object>> mapper) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "flat-map-values";
    }
}
