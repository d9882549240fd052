package dev.tributary.dsl.plan;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.Initializer;
import dev.tributary.dsl.Merger;
import java.util.List;

/**
 * Folds each record into its key's session (merging the sessions it joins), kept in a session store;
 * emits {@code Windowed} keys with the aggregates as the strategy says.
 *
 * @param name the node name
 * @param parent the node read from
 * @param store the session store (its {@link StoreSpec#windows()} gives the gap and grace)
 * @param initializer the aggregate of a new session
 * @param aggregator folds a record into the aggregate
 * @param merger combines two sessions' aggregates
 * @param emit when results go downstream
 */
public record SessionAggregateNode(String name, String parent, StoreSpec store, Initializer<Object> initializer,
                                   Aggregator<Object, Object, Object> aggregator, Merger<Object, Object> merger,
                                   EmitStrategy.Kind emit) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "session-aggregate";
    }

    @Override
    public String details() {
        return "emit " + emit.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ", store " + store;
    }
}
