package dev.tributary.dsl.plan;

import dev.tributary.dsl.Predicate;
import java.util.List;

/**
 * Routes each record to the first branch whose predicate it matches; with a default branch,
 * records that match none go there, otherwise they are dropped. Branches are {@link BranchNode}s.
 *
 * @param name the node name
 * @param parent the node read from
 * @param predicates the branch predicates, in order
 * @param hasDefault whether a default branch takes the records no predicate matches
 */
public record SplitNode(String name, String parent, List<Predicate<Object, Object>> predicates, boolean hasDefault)
        implements PlanNode {
    /**
     * Copies the predicate list.
     *
     * @param name the node name
     * @param parent the node read from
     * @param predicates the branch predicates, in order
     * @param hasDefault whether a default branch takes the records no predicate matches
     */
    public SplitNode {
        predicates = List.copyOf(predicates);
    }

    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "split";
    }

    @Override
    public String details() {
        return predicates.size() + " predicates" + (hasDefault ? " + default branch" : ", unmatched records dropped");
    }
}
