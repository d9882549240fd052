package dev.tributary.dsl.plan;

import dev.tributary.dsl.ValueJoiner;
import java.util.List;

/**
 * One side of a windowed stream-stream join: each record of this side is kept in this side's window
 * store and meets the other side's records of the same key within the window. Both sides' nodes share
 * one join per task (named {@code join}), which keeps the stream time of each key group over both, and
 * feed one merge node, which is the joined stream.
 *
 * @param name the node name
 * @param parent the node whose records arrive here
 * @param join the join's name, shared by both sides
 * @param thisStore this side's window store
 * @param otherStore the other side's window store
 * @param joiner combines the left stream's value and the right's, in that order
 * @param leftSide whether this is the side of the stream {@code join} was called on
 * @param joinKind inner, left or outer
 * @param beforeMs how far before a left record a right record may be
 * @param afterMs how far after a left record a right record may be
 * @param graceMs how long after a window's end records still join
 */
public record StreamStreamJoinNode(String name, String parent, String join, StoreSpec thisStore, StoreSpec otherStore,
                                   ValueJoiner<Object, Object, Object> joiner, boolean leftSide,
                                   TableTableJoinNode.Kind joinKind, long beforeMs, long afterMs, long graceMs)
        implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "stream-" + joinKind.name().toLowerCase(java.util.Locale.ROOT) + "-join-" + (leftSide ? "left" : "right")
                + "-side";
    }

    @Override
    public String details() {
        return "before " + beforeMs + " ms, after " + afterMs + " ms, grace " + graceMs + " ms, store " + thisStore;
    }

    /**
     * @return whether records of this side that met nothing are emitted when their window closes
     */
    public boolean emitsUnmatched() {
        return joinKind == TableTableJoinNode.Kind.OUTER || joinKind == TableTableJoinNode.Kind.LEFT && leftSide;
    }
}
