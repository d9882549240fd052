package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.KeyValueMapper;
import dev.tributary.dsl.plan.FlatMapNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;

public final class FlatMapTranslator implements NodeTranslator<FlatMapNode> {
    @Override
    public Class<FlatMapNode> nodeType() {
        return FlatMapNode.class;
    }

    @Override
    public Processor translate(FlatMapNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        KeyValueMapper<Object, Object, Iterable<KeyValue<Object, Object>>> mapper = node.mapper();
        String name = node.name();
        return record -> {
            Iterable<KeyValue<Object, Object>> results;
            try {
                results = mapper.apply(record.key(), record.value());
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
            if (results != null) {
                for (KeyValue<Object, Object> result : results) {
                    next.process(record.with(result.key(), result.value()));
                }
            }
        };
    }
}
