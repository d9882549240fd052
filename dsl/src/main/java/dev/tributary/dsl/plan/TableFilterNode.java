package dev.tributary.dsl.plan;

import java.util.List;
import dev.tributary.dsl.Predicate;

/**
 * Filters a table's updates; an update that fails the test is passed on as a deletion.
 *
 * @param name the node name
 * @param parent the node read from
 * @param predicate the test
 * @param negate true to keep the rows that fail the test
 */
public record TableFilterNode(String name, String parent, Predicate<Object, Object> predicate, boolean negate) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "table-filter";
    }
}
