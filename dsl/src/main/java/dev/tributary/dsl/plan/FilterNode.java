package dev.tributary.dsl.plan;

import java.util.List;
import dev.tributary.dsl.Predicate;

/**
 * Keeps the records a predicate accepts (or, negated, rejects).
 *
 * @param name the node name
 * @param parent the node read from
 * @param predicate the test
 * @param negate true to keep the records that fail the test
 */
public record FilterNode(String name, String parent, Predicate<Object, Object> predicate, boolean negate) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "filter";
    }

    @Override
    public String details() {
        return negate ? "drops records that match" : "keeps records that match";
    }
}
