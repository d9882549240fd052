package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.RepartitionNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.Sinks;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.core.RecordCollector;
import dev.tributary.runtime.internal.core.SinkTarget;

/**
 * The writing half of a repartition: records go to the internal topic, batched by key group so each
 * batch reaches its key group's owner. The reading half is an internal source feeding this node's children.
 */
public final class RepartitionTranslator implements NodeTranslator<RepartitionNode> {
    @Override
    public Class<RepartitionNode> nodeType() {
        return RepartitionNode.class;
    }

    @Override
    public Processor translate(RepartitionNode node, TranslationContext context) {
        String topic = context.compile().repartitionTopic(node.name());
        SinkTarget target = Sinks.repartitionTarget(node, context.keyGroups());
        RecordCollector collector = context.collector();
        return record -> collector.send(topic, target, record);
    }
}
