package dev.tributary.dsl.plan;

import java.util.List;

/**
 * Keeps the latest value per key in a store (a null value deletes the key) and emits each change as a table update.
 *
 * @param name the node name
 * @param parent the node read from
 * @param store the store holding the table
 */
public record MaterializeNode(String name, String parent, StoreSpec store) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "materialize";
    }

    @Override
    public String details() {
        return "store " + store;
    }
}
