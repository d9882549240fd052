package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.ValueMapperWithKey;
import dev.tributary.dsl.plan.TableMapValuesNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;

/** Maps updated values; deletions pass as they are. */
public final class TableMapValuesTranslator implements NodeTranslator<TableMapValuesNode> {
    @Override
    public Class<TableMapValuesNode> nodeType() {
        return TableMapValuesNode.class;
    }

    @Override
    public Processor translate(TableMapValuesNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        ValueMapperWithKey<Object, Object, Object> mapper = node.mapper();
        return record -> {
            if (record.value() == null) {
                next.process(record);
                return;
            }
            Object value;
            try {
                value = mapper.apply(record.key(), record.value());
            } catch (RuntimeException e) {
                throw new ProcessingException(node.name(), e);
            }
            next.process(record.withValue(value));
        };
    }
}
