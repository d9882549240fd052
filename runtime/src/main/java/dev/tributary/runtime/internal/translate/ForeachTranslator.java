package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.ForeachAction;
import dev.tributary.dsl.plan.ForeachNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;

public final class ForeachTranslator implements NodeTranslator<ForeachNode> {
    @Override
    public Class<ForeachNode> nodeType() {
        return ForeachNode.class;
    }

    @Override
    public Processor translate(ForeachNode node, TranslationContext context) {
        ForeachAction<Object, Object> action = node.action();
        String name = node.name();
        return record -> {
            try {
                action.apply(record.key(), record.value());
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
        };
    }
}
