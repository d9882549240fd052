package dev.tributary.dsl.plan;

import java.util.List;

/**
 * Turns a table's updates into a stream of records.
 *
 * @param name the node name
 * @param parent the node read from
 */
public record ToStreamNode(String name, String parent) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "to-stream";
    }
}
