package dev.tributary.dsl.plan;

import java.util.List;

/**
 * One output of a split: receives the records whose first matching predicate is the one at its index, or, as the default branch, the records no predicate matched.
 *
 * @param name the node name
 * @param parent the node read from
 * @param index the predicate's position in the split, or the predicate count for the default branch
 * @param branchName the branch's name as given to the split
 */
public record BranchNode(String name, String parent, int index, String branchName) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "branch";
    }

    @Override
    public String details() {
        return "branch " + branchName + " (#" + index + ")";
    }
}
