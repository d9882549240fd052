package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.ConnectorSinkNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.core.RecordCollector;

/** Hands records to the task's sink connector of that name, which writes them in batches. */
public final class ConnectorSinkTranslator implements NodeTranslator<ConnectorSinkNode> {
    @Override
    public Class<ConnectorSinkNode> nodeType() {
        return ConnectorSinkNode.class;
    }

    @Override
    public Processor translate(ConnectorSinkNode node, TranslationContext context) {
        RecordCollector collector = context.collector();
        String name = node.name();
        return record -> collector.sink(name, record);
    }
}
