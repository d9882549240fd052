package dev.tributary.dsl.plan;

import java.util.List;
import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.Initializer;

/**
 * Folds each record into its key's aggregate, kept in a store; emits the new aggregate as a table update.
 *
 * @param name the node name
 * @param parent the node read from
 * @param store the store holding the aggregates
 * @param initializer the aggregate of a new key
 * @param aggregator folds a record into the aggregate
 */
public record AggregateNode(String name, String parent, StoreSpec store, Initializer<Object> initializer, Aggregator<Object, Object, Object> aggregator) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "aggregate";
    }

    @Override
    public String details() {
        return "store " + store;
    }
}
