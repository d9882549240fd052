package dev.tributary.dsl.plan;

import java.util.List;

/**
 * A node of the logical plan: immutable data naming an operation and its inputs.
 */
public interface PlanNode {
    /**
     * The node's stable name, unique in its topology.
     *
     * @return the name
     */
    String name();

    /**
     * The names of the nodes this node reads from, empty for a source.
     *
     * @return the parent names
     */
    List<String> parents();

    /**
     * A short word for the kind of operation, as shown by {@code Topology.describe()}.
     *
     * @return for example {@code filter}
     */
    String kind();

    /**
     * Details shown by {@code Topology.describe()} after the kind.
     *
     * @return a short description, or an empty string
     */
    default String details() {
        return "";
    }
}
