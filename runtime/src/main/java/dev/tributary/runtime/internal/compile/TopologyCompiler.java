package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.StartPosition;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.dsl.plan.RepartitionNode;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;
import dev.tributary.dsl.plan.SinkNode;
import dev.tributary.dsl.plan.SourceNode;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks a topology against the job's settings and resolves its topics. */
public final class TopologyCompiler {
    private final Translators translators;

    public TopologyCompiler(Translators translators) {
        this.translators = translators;
    }

    @SuppressWarnings("unchecked")
    public CompiledTopology compile(Topology topology, CompileContext context) {
        KeyGroups keyGroups = context.keyGroups();
        List<SourceSpec> sources = new ArrayList<>();
        List<SinkSpec> sinks = new ArrayList<>();
        Map<String, String> readers = new HashMap<>();
        for (PlanNode node : topology.nodes()) {
            NodeTranslator<PlanNode> translator = translators.of(node);
            translator.validate(node, context);
            if (node instanceof SourceNode source) {
                List<String> topics = new ArrayList<>();
                for (String raw : source.topics()) {
                    String topic = TopicNames.normalize(raw, "source '" + source.name() + "'");
                    String previous = readers.put(topic, source.name());
                    if (previous != null) {
                        throw new TopologyException("topic '" + topic + "' is read twice, by sources '" + previous
                                + "' and '" + source.name() + "'");
                    }
                    topics.add(topic);
                }
                sources.add(new SourceSpec(source.name(), topics, (Schema<Object>) source.keySchema(),
                        (Schema<Object>) source.valueSchema(), source.subscriptionType(),
                        source.startPosition(), false, source.name(), source.timestampExtractor()));
            } else if (node instanceof RepartitionNode repartition) {
                // A repartition is a sink to an internal topic and a source reading it back.
                String topic = context.repartitionTopic(repartition.name());
                sinks.add(new SinkSpec(topic, Sinks.repartitionTarget(repartition, keyGroups)));
                sources.add(new SourceSpec(repartition.name() + "-source", List.of(topic),
                        (Schema<Object>) repartition.keySchema(), (Schema<Object>) repartition.valueSchema(),
                        SubscriptionType.Key_Shared, StartPosition.earliest(), true, repartition.name(), null));
            } else if (node instanceof SinkNode sink && sink.topic() != null) {
                sinks.add(new SinkSpec(TopicNames.normalize(sink.topic(), "sink '" + sink.name() + "'"),
                        Sinks.target(sink, keyGroups)));
            }
        }
        return new CompiledTopology(topology, translators, context, sources, sinks);
    }
}
