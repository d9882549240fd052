package dev.tributary.dsl.internal;

import dev.tributary.dsl.Named;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.dsl.plan.SourceNode;
import dev.tributary.dsl.plan.StoreSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The nodes declared so far by one builder, and the names they took. */
public final class PlanGraph {
    private final List<PlanNode> nodes = new ArrayList<>();
    private final List<StoreSpec> stores = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private int counter;

    /**
     * Chooses a node's name: the user's, checked for uniqueness, or {@code <kind>-<n>} with n the
     * node's position among all nodes, so generated names are stable while the topology is.
     */
    public String name(String given, String kind) {
        int position = counter++;
        if (given != null) {
            Named.validate(given);
            if (names.contains(given)) {
                throw new TopologyException("the node name '" + given + "' is used twice");
            }
            return reserve(given);
        }
        String generated = kind + "-" + position;
        while (names.contains(generated)) {
            generated = kind + "-" + position + "-" + (counter++);
        }
        return reserve(generated);
    }

    public String name(Named given, String kind) {
        return name(given == null ? null : given.name(), kind);
    }

    private String reserve(String name) {
        names.add(name);
        return name;
    }

    public void add(PlanNode node) {
        nodes.add(node);
    }

    /** Whether this graph holds a node of that name. */
    public boolean has(String node) {
        return nodes.stream().anyMatch(n -> n.name().equals(node));
    }

    /** The store of that name, or null. */
    public StoreSpec store(String name) {
        return stores.stream().filter(store -> store.name().equals(name)).findFirst().orElse(null);
    }

    public void addStore(StoreSpec store) {
        for (StoreSpec existing : stores) {
            if (existing.name().equals(store.name())) {
                throw new TopologyException("two stores are named '" + store.name() + "'");
            }
        }
        stores.add(store);
    }

    public Topology build() {
        List<SourceNode> sources = new ArrayList<>();
        Map<String, String> readers = new HashMap<>();
        for (PlanNode node : nodes) {
            if (node instanceof SourceNode source) {
                sources.add(source);
                for (String topic : source.topics()) {
                    String previous = readers.put(topic, source.name());
                    if (previous != null) {
                        throw new TopologyException("topic '" + topic + "' is read by two sources, '" + previous
                                + "' and '" + source.name() + "'; read it once and share the stream");
                    }
                }
            }
        }
        if (sources.isEmpty() && nodes.stream().noneMatch(n -> n instanceof dev.tributary.dsl.plan.ConnectorSourceNode)) {
            throw new TopologyException("the topology has no source: declare one with StreamBuilder.stream(...) or"
                    + " StreamBuilder.source(...)");
        }
        return new Topology(nodes, stores);
    }
}
