package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.ValueMapperWithKey;
import dev.tributary.dsl.plan.FlatMapValuesNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;

public final class FlatMapValuesTranslator implements NodeTranslator<FlatMapValuesNode> {
    @Override
    public Class<FlatMapValuesNode> nodeType() {
        return FlatMapValuesNode.class;
    }

    @Override
    public Processor translate(FlatMapValuesNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        ValueMapperWithKey<Object, Object, Iterable<Object>> mapper = node.mapper();
        String name = node.name();
        return record -> {
            Iterable<Object> values;
            try {
                values = mapper.apply(record.key(), record.value());
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
            if (values != null) {
                for (Object value : values) {
                    next.process(record.withValue(value));
                }
            }
        };
    }
}
