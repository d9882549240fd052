package dev.tributary.dsl.plan;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.KeyValueMapper;
import java.util.List;

/**
 * Turns each update of a table into the changes of its new groups: the row's old value (kept in this
 * node's store, by the table's key) goes out with {@link #CHANGE} {@code subtract}, its new value comes
 * in with {@code add}, each under the key the selector gives.
 *
 * @param name the node name
 * @param parent the table node whose updates arrive here
 * @param previous the store of each row's last value, by the table's key
 * @param selector gives the new key and value of a row
 */
public record TableGroupByNode(String name, String parent, StoreSpec previous,
                               KeyValueMapper<Object, Object, KeyValue<Object, Object>> selector) implements PlanNode {
    /** The record property telling a re-grouped table's aggregate whether a value comes in or goes out. */
    public static final String CHANGE = "tributary.table.change";

    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "table-group-by";
    }

    @Override
    public String details() {
        return "previous values in store " + previous;
    }
}
