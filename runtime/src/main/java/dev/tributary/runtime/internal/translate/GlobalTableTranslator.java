package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.GlobalTableNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Processor;

/** A global table is read by {@code GlobalTables}, not by the task: its node processes nothing. */
public final class GlobalTableTranslator implements NodeTranslator<GlobalTableNode> {
    @Override
    public Class<GlobalTableNode> nodeType() {
        return GlobalTableNode.class;
    }

    @Override
    public Processor translate(GlobalTableNode node, TranslationContext context) {
        return record -> {
            throw new IllegalStateException("global table '" + node.name() + "' receives no records from the task");
        };
    }
}
