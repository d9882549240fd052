package dev.tributary.dsl.plan;

import dev.tributary.dsl.KeyValueMapper;
import dev.tributary.dsl.ValueJoiner;
import java.util.List;

/**
 * Joins each stream record with the row of a global table under the key the mapper computes from it.
 *
 * @param name the node name
 * @param parent the stream node read from
 * @param globalTable the global table's name
 * @param keyMapper computes the global table's key from the record's key and value
 * @param joiner combines the record's value and the row
 * @param left whether a record with no row is joined with null (else dropped)
 */
public record GlobalJoinNode(String name, String parent, String globalTable, KeyValueMapper<Object, Object, Object> keyMapper,
                             ValueJoiner<Object, Object, Object> joiner, boolean left) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return left ? "global-left-join" : "global-join";
    }

    @Override
    public String details() {
        return "with global table " + globalTable;
    }
}
