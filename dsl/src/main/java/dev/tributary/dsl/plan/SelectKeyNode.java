package dev.tributary.dsl.plan;

import java.util.List;
import dev.tributary.dsl.KeyValueMapper;

/**
 * Replaces each record's key.
 *
 * @param name the node name
 * @param parent the node read from
 * @param selector computes the new key
 */
public record SelectKeyNode(String name, String parent, KeyValueMapper<Object, Object, Object> selector) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "select-key";
    }

    @Override
    public String details() {
        return "changes key";
    }
}
