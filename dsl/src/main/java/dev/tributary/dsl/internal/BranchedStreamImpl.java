package dev.tributary.dsl.internal;

import dev.tributary.dsl.BranchedStream;
import dev.tributary.dsl.Named;
import dev.tributary.dsl.Predicate;
import dev.tributary.dsl.Stream;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.plan.BranchNode;
import dev.tributary.dsl.plan.SplitNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/** Collects branches, then adds the split and one node per branch in a single step. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class BranchedStreamImpl<K, V> implements BranchedStream<K, V> {
    private final StreamImpl<K, V> parent;
    private final Named named;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;
    private final List<String> names = new ArrayList<>();
    private final List<Predicate<Object, Object>> predicates = new ArrayList<>();
    private boolean done;

    BranchedStreamImpl(StreamImpl<K, V> parent, Named named, Schema<K> keySchema, Schema<V> valueSchema) {
        this.parent = parent;
        this.named = named;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
    }

    @Override
    public BranchedStream<K, V> branch(String name, Predicate<? super K, ? super V> predicate) {
        checkOpen();
        Named.validate(name);
        if (names.contains(name)) {
            throw new TopologyException("split after '" + parent.nodeName() + "' has two branches named '" + name + "'");
        }
        names.add(name);
        predicates.add((Predicate) Objects.requireNonNull(predicate, "predicate"));
        return this;
    }

    @Override
    public Map<String, Stream<K, V>> defaultBranch(String name) {
        checkOpen();
        Named.validate(name);
        if (names.contains(name)) {
            throw new TopologyException("split after '" + parent.nodeName() + "' has two branches named '" + name + "'");
        }
        return finish(name);
    }

    @Override
    public Map<String, Stream<K, V>> noDefaultBranch() {
        checkOpen();
        return finish(null);
    }

    private void checkOpen() {
        if (done) {
            throw new TopologyException("this split after '" + parent.nodeName() + "' is already complete");
        }
    }

    private Map<String, Stream<K, V>> finish(String defaultName) {
        done = true;
        if (predicates.isEmpty() && defaultName == null) {
            throw new TopologyException("split after '" + parent.nodeName() + "' has no branches");
        }
        PlanGraph graph = parent.graph();
        String split = graph.name(named, "split");
        graph.add(new SplitNode(split, parent.nodeName(), predicates, defaultName != null));
        Map<String, Stream<K, V>> branches = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(names);
        if (defaultName != null) {
            all.add(defaultName);
        }
        for (int i = 0; i < all.size(); i++) {
            String branch = graph.name(split + "-" + all.get(i), "branch");
            graph.add(new BranchNode(branch, split, i, all.get(i)));
            branches.put(all.get(i), new StreamImpl<>(graph, branch, keySchema, valueSchema));
        }
        return Collections.unmodifiableMap(branches);
    }
}
