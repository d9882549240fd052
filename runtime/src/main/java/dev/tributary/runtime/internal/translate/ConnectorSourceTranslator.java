package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.ConnectorSourceNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Processor;

/** A source connector runs beside the task and writes to a topic; in the task it does nothing. */
public final class ConnectorSourceTranslator implements NodeTranslator<ConnectorSourceNode> {
    @Override
    public Class<ConnectorSourceNode> nodeType() {
        return ConnectorSourceNode.class;
    }

    @Override
    public Processor translate(ConnectorSourceNode node, TranslationContext context) {
        return record -> {
        };
    }
}
