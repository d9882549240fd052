package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.ForeachAction;
import dev.tributary.dsl.plan.PeekNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;

public final class PeekTranslator implements NodeTranslator<PeekNode> {
    @Override
    public Class<PeekNode> nodeType() {
        return PeekNode.class;
    }

    @Override
    public Processor translate(PeekNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        ForeachAction<Object, Object> action = node.action();
        String name = node.name();
        return record -> {
            try {
                action.apply(record.key(), record.value());
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
            next.process(record);
        };
    }
}
