package dev.tributary.dsl.plan;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.Initializer;
import java.util.List;

/**
 * Folds each record into its key's aggregate in every open time window that contains it, kept in a
 * window store; emits {@code Windowed} keys with the aggregates as the strategy says.
 *
 * @param name the node name
 * @param parent the node read from
 * @param store the window store (its {@link StoreSpec#windows()} gives the windows)
 * @param initializer the aggregate of a new window
 * @param aggregator folds a record into the aggregate
 * @param emit when results go downstream
 */
public record WindowAggregateNode(String name, String parent, StoreSpec store, Initializer<Object> initializer,
                                  Aggregator<Object, Object, Object> aggregator, EmitStrategy.Kind emit)
        implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "window-aggregate";
    }

    @Override
    public String details() {
        return "emit " + emit.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ", store " + store;
    }
}
