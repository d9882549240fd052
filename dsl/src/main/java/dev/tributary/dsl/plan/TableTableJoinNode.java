package dev.tributary.dsl.plan;

import dev.tributary.dsl.ValueJoiner;
import java.util.List;

/**
 * One side of a table-table join: each update of this side's table is joined with the other table's
 * current value for the key, and the result (or a deletion, when the join no longer holds) is passed
 * on. Both sides' nodes feed one merge node, which is the joined table.
 *
 * @param name the node name
 * @param parent the table node whose updates arrive here
 * @param otherStore the other table's store, in the same key groups
 * @param joiner combines the left value and the right value, in that order
 * @param leftSide whether this node receives the left table's updates
 * @param joinKind inner, left or outer
 */
public record TableTableJoinNode(String name, String parent, String otherStore, ValueJoiner<Object, Object, Object> joiner,
                                 boolean leftSide, Kind joinKind) implements PlanNode {
    /** Which keys the joined table holds. */
    public enum Kind {
        /** Keys both tables hold. */
        INNER,
        /** Keys the left table holds; the right value may be null. */
        LEFT,
        /** Keys either table holds; the other value may be null. */
        OUTER
    }

    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "table-" + joinKind.name().toLowerCase(java.util.Locale.ROOT) + "-join-" + (leftSide ? "left" : "right")
                + "-side";
    }

    @Override
    public String details() {
        return "with table store " + otherStore;
    }
}
