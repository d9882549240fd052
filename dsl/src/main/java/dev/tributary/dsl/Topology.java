package dev.tributary.dsl;

import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.dsl.plan.ProcessNode;
import dev.tributary.dsl.plan.SourceNode;
import dev.tributary.dsl.plan.StoreSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A built topology: the immutable logical plan of a job, in the order its nodes were declared
 * (every node after its parents). Run it with the runtime, or in memory with the test driver.
 */
public final class Topology {
    private final List<PlanNode> nodes;
    private final Map<String, PlanNode> byName;
    private final Map<String, List<String>> children;
    private final Map<String, StoreSpec> stores;

    /**
     * Creates a stateless topology from plan nodes.
     *
     * @param nodes the nodes, every node after its parents, names unique
     * @throws TopologyException if a parent is missing or declared after its child, or a name repeats
     */
    public Topology(List<PlanNode> nodes) {
        this(nodes, List.of());
    }

    /**
     * Creates a topology from plan nodes and stores; the DSL's {@link StreamBuilder#build()} calls this.
     *
     * @param nodes the nodes, every node after its parents, names unique
     * @param stores the stores, names unique
     * @throws TopologyException if a parent is missing or declared after its child, a name repeats, or
     *     a processor names a store that does not exist
     */
    public Topology(List<PlanNode> nodes, List<StoreSpec> stores) {
        Map<String, StoreSpec> storeIndex = new LinkedHashMap<>();
        for (StoreSpec store : stores) {
            if (storeIndex.put(store.name(), store) != null) {
                throw new TopologyException("two stores are named '" + store.name() + "'");
            }
        }
        this.stores = Collections.unmodifiableMap(storeIndex);
        this.nodes = List.copyOf(nodes);
        Map<String, PlanNode> index = new LinkedHashMap<>();
        Map<String, List<String>> kids = new LinkedHashMap<>();
        for (PlanNode node : this.nodes) {
            for (String parent : node.parents()) {
                if (!index.containsKey(parent)) {
                    throw new TopologyException("node '" + node.name() + "' reads from '" + parent
                            + "', which is not declared before it");
                }
                kids.get(parent).add(node.name());
            }
            if (index.put(node.name(), node) != null) {
                throw new TopologyException("two nodes are named '" + node.name() + "'");
            }
            kids.put(node.name(), new ArrayList<>());
        }
        kids.replaceAll((k, v) -> List.copyOf(v));
        for (PlanNode node : this.nodes) {
            if (node instanceof ProcessNode process) {
                for (String store : process.stores()) {
                    if (!storeIndex.containsKey(store)) {
                        throw new TopologyException("processor '" + node.name() + "' uses store '" + store
                                + "', which is not added to the topology; add it with StreamBuilder.addStateStore");
                    }
                }
            }
        }
        this.byName = Collections.unmodifiableMap(index);
        this.children = Collections.unmodifiableMap(kids);
    }

    /**
     * All nodes, every node after its parents.
     *
     * @return the nodes
     */
    public List<PlanNode> nodes() {
        return nodes;
    }

    /**
     * A node by name.
     *
     * @param name the node's name
     * @return the node
     * @throws NoSuchElementException if there is none
     */
    public PlanNode node(String name) {
        PlanNode node = byName.get(name);
        if (node == null) {
            throw new NoSuchElementException("no node named '" + name + "'");
        }
        return node;
    }

    /**
     * The names of the nodes that read from a node, in declaration order.
     *
     * @param name the node's name
     * @return the children's names
     */
    public List<String> children(String name) {
        node(name);
        return children.get(name);
    }

    /**
     * The stores, in declaration order.
     *
     * @return the stores
     */
    public List<StoreSpec> stores() {
        return List.copyOf(stores.values());
    }

    /**
     * The source nodes.
     *
     * @return the sources, in declaration order
     */
    public List<SourceNode> sources() {
        List<SourceNode> sources = new ArrayList<>();
        for (PlanNode node : nodes) {
            if (node instanceof SourceNode source) {
                sources.add(source);
            }
        }
        return sources;
    }

    /**
     * A readable description: each node with its kind and details, the nodes it feeds ({@code -->})
     * and the nodes it reads ({@code <--}).
     *
     * @return the description, one node per block
     */
    public String describe() {
        StringBuilder out = new StringBuilder("Topology (").append(nodes.size()).append(" nodes)\n");
        for (PlanNode node : nodes) {
            out.append("  ").append(node.name()).append(" [").append(node.kind()).append(']');
            if (!node.details().isEmpty()) {
                out.append(' ').append(node.details());
            }
            out.append('\n');
            for (String child : children.get(node.name())) {
                out.append("    --> ").append(child).append('\n');
            }
            for (String parent : node.parents()) {
                out.append("    <-- ").append(parent).append('\n');
            }
        }
        for (StoreSpec store : stores.values()) {
            out.append("  store ").append(store).append('\n');
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
