package dev.tributary.dsl.plan;

import java.util.List;
import dev.tributary.dsl.ForeachAction;

/**
 * Performs an action on each record; a terminal node.
 *
 * @param name the node name
 * @param parent the node read from
 * @param action the action
 */
public record ForeachNode(String name, String parent, ForeachAction<Object, Object> action) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "foreach";
    }
}
