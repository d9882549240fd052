package dev.tributary.dsl.plan;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.Initializer;
import java.util.List;

/**
 * Folds a re-grouped table's changes into each new key's aggregate: values coming in with the adder,
 * values going out with the subtractor ({@link TableGroupByNode#CHANGE}).
 *
 * @param name the node name
 * @param parent the node read from (the repartition after a {@link TableGroupByNode})
 * @param store the store holding the aggregates
 * @param initializer the aggregate of a new key
 * @param adder folds a value coming in
 * @param subtractor takes out a value going out
 */
public record TableAggregateNode(String name, String parent, StoreSpec store, Initializer<Object> initializer,
                                 Aggregator<Object, Object, Object> adder, Aggregator<Object, Object, Object> subtractor)
        implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "table-aggregate";
    }

    @Override
    public String details() {
        return "store " + store;
    }
}
