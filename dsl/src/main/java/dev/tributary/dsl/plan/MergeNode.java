package dev.tributary.dsl.plan;

import java.util.List;

/**
 * Passes on the records of all its parents, interleaved as they arrive.
 *
 * @param name the node name
 * @param parents the nodes read from
 */
public record MergeNode(String name, List<String> parents) implements PlanNode {
    /**
     * Copies the parent list.
     *
     * @param name the node name
     * @param parents the nodes read from
     */
    public MergeNode {
        parents = List.copyOf(parents);
    }

    @Override
    public String kind() {
        return "merge";
    }
}
