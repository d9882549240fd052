package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.KeyValueMapper;
import dev.tributary.dsl.plan.MapNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;

public final class MapTranslator implements NodeTranslator<MapNode> {
    @Override
    public Class<MapNode> nodeType() {
        return MapNode.class;
    }

    @Override
    public Processor translate(MapNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        KeyValueMapper<Object, Object, KeyValue<Object, Object>> mapper = node.mapper();
        String name = node.name();
        return record -> {
            KeyValue<Object, Object> result;
            try {
                result = mapper.apply(record.key(), record.value());
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
            if (result == null) {
                throw new ProcessingException(name, new NullPointerException("map returned null instead of a KeyValue"));
            }
            next.process(record.with(result.key(), result.value()));
        };
    }
}
