package dev.tributary.dsl.plan;

import dev.tributary.dsl.ValueJoiner;
import java.util.List;

/**
 * Joins each stream record with the value its key has in a table's store when the record is processed;
 * the table's updates go to the store by their own node and never emit here.
 *
 * @param name the node name
 * @param parent the stream node read from
 * @param tableStore the store holding the table, in the same key groups as the stream's keys
 * @param joiner combines the record's value and the table's
 * @param left whether a record whose key the table does not hold is joined with null (else dropped)
 */
public record StreamTableJoinNode(String name, String parent, String tableStore, ValueJoiner<Object, Object, Object> joiner,
                                  boolean left) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return left ? "stream-table-left-join" : "stream-table-join";
    }

    @Override
    public String details() {
        return "with table store " + tableStore;
    }
}
