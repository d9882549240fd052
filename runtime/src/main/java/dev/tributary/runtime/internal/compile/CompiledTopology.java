package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.StartPosition;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.core.RecordCollector;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.state.TaskState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.SubscriptionType;

/** A checked topology with its sources and fixed sinks resolved; instantiates operators per task. */
public final class CompiledTopology {
    private final Topology topology;
    private final Translators translators;
    private final CompileContext context;
    private final List<SourceSpec> sources;
    private final List<SinkSpec> sinks;
    private final List<SourceSpec> forwards;
    private final Map<String, String> forwardTopics = new HashMap<>();

    CompiledTopology(Topology topology, Translators translators, CompileContext context, List<SourceSpec> sources,
                     List<SinkSpec> sinks) {
        this.topology = topology;
        this.translators = translators;
        this.context = context;
        this.sources = List.copyOf(sources);
        this.sinks = List.copyOf(sinks);
        List<SourceSpec> forwards = new ArrayList<>();
        for (SourceSpec source : this.sources) {
            String topic = context.forwardTopic(source.name());
            forwardTopics.put(source.name(), topic);
            forwards.add(new SourceSpec(source.name(), List.of(topic), source.keySchema(), source.valueSchema(),
                    SubscriptionType.Key_Shared, StartPosition.earliest(),
                    true, source.entryNode(), source.timestampExtractor()));
        }
        this.forwards = List.copyOf(forwards);
    }

    public Topology topology() {
        return topology;
    }

    public KeyGroups keyGroups() {
        return context.keyGroups();
    }

    public CompileContext context() {
        return context;
    }

    /**
     * Whether records must be taken in time order across inputs: the topology has windows, or joins
     * (a record meets the other side as its updates up to the record's time left it).
     */
    public boolean timeOrdered() {
        return topology.nodes().stream().anyMatch(node -> node instanceof dev.tributary.dsl.plan.WindowAggregateNode
                || node instanceof dev.tributary.dsl.plan.SessionAggregateNode
                || node instanceof dev.tributary.dsl.plan.StreamTableJoinNode
                || node instanceof dev.tributary.dsl.plan.TableTableJoinNode
                || node instanceof dev.tributary.dsl.plan.StreamStreamJoinNode
                || node instanceof dev.tributary.dsl.plan.ForeignKeyJoinNode);
    }

    public List<SourceSpec> sources() {
        return sources;
    }

    /**
     * The forward topic of every source, read like a source with the same name and entry node: records of a
     * key group that reached an instance not owning it arrive there (see docs/SCALING.md).
     */
    public List<SourceSpec> forwardSources() {
        return forwards;
    }

    /** The forward topic of a source. */
    public String forwardTopic(String source) {
        return forwardTopics.get(source);
    }

    /** Sinks with a fixed topic; their producers are created at start so that errors surface early. */
    public List<SinkSpec> sinks() {
        return sinks;
    }

    /** Builds the operators of one task, children before parents. */
    public TaskCore instantiate(RecordCollector collector, TaskState state) {
        return instantiate(collector, state, (node, processor) -> processor);
    }

    /**
     * Builds the operators of one task, each wrapped as its parents see it, such as for metrics.
     *
     * @param wrap given a node's name and operator, returns what its parents call
     */
    public TaskCore instantiate(RecordCollector collector, TaskState state,
                                java.util.function.BiFunction<String, Processor, Processor> wrap) {
        List<PlanNode> nodes = topology.nodes();
        Map<String, Processor> built = new HashMap<>();
        Map<String, List<Processor>> childrenOf = new HashMap<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            PlanNode node = nodes.get(i);
            List<PlanNode> childNodes = new ArrayList<>();
            List<Processor> children = new ArrayList<>();
            for (String child : topology.children(node.name())) {
                childNodes.add(topology.node(child));
                children.add(built.get(child));
            }
            childrenOf.put(node.name(), children);
            built.put(node.name(), wrap.apply(node.name(), translators.of(node).translate(node,
                    new TranslationContext(childNodes, children, collector, context.keyGroups(), state, context))));
        }
        Map<String, Processor> bySource = new HashMap<>();
        Map<String, String> byTopic = new HashMap<>();
        for (SourceSpec source : sources) {
            bySource.put(source.name(), source.internal() ? Forward.to(childrenOf.get(source.entryNode()))
                    : built.get(source.name()));
            for (String topic : source.topics()) {
                byTopic.put(topic, source.name());
            }
        }
        return new TaskCore(bySource, byTopic, state);
    }
}
