package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.ValueMapperWithKey;
import dev.tributary.dsl.plan.MapValuesNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;

public final class MapValuesTranslator implements NodeTranslator<MapValuesNode> {
    @Override
    public Class<MapValuesNode> nodeType() {
        return MapValuesNode.class;
    }

    @Override
    public Processor translate(MapValuesNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        ValueMapperWithKey<Object, Object, Object> mapper = node.mapper();
        String name = node.name();
        return record -> {
            Object value;
            try {
                value = mapper.apply(record.key(), record.value());
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
            next.process(record.withValue(value));
        };
    }
}
