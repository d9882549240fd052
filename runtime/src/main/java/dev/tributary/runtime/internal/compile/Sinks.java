package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.plan.RepartitionNode;
import dev.tributary.dsl.plan.SinkNode;
import dev.tributary.dsl.plan.WindowedKeySchema;
import dev.tributary.runtime.internal.core.SinkTarget;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import org.apache.pulsar.client.api.Schema;

/** Resolves a sink node's target against the job's settings. */
public final class Sinks {
    private Sinks() {
    }

    /** A repartition topic is written batched by the job's key groups, so each batch has one owner. */
    @SuppressWarnings("unchecked")
    public static SinkTarget repartitionTarget(RepartitionNode node, KeyGroups jobKeyGroups) {
        return new SinkTarget(node.name(), (Schema<Object>) node.keySchema(), (Schema<Object>) node.valueSchema(),
                ProducerBatching.KEY_GROUP, jobKeyGroups.count());
    }

    @SuppressWarnings("unchecked")
    public static SinkTarget target(SinkNode sink, KeyGroups jobKeyGroups) {
        int keyGroups = sink.keyGroups() > 0 ? sink.keyGroups() : jobKeyGroups.count();
        // A windowed key is written as its plain key (the window goes in the message properties).
        Schema<?> keySchema = sink.keySchema() instanceof WindowedKeySchema<?> windowed ? windowed.inner()
                : sink.keySchema();
        return new SinkTarget(sink.name(), (Schema<Object>) keySchema, (Schema<Object>) sink.valueSchema(),
                sink.batching(), keyGroups);
    }
}
