package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.KeyValueMapper;
import dev.tributary.dsl.plan.SelectKeyNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;

public final class SelectKeyTranslator implements NodeTranslator<SelectKeyNode> {
    @Override
    public Class<SelectKeyNode> nodeType() {
        return SelectKeyNode.class;
    }

    @Override
    public Processor translate(SelectKeyNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        KeyValueMapper<Object, Object, Object> selector = node.selector();
        String name = node.name();
        return record -> {
            Object key;
            try {
                key = selector.apply(record.key(), record.value());
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
            next.process(record.withKey(key));
        };
    }
}
