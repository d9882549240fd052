package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.Predicate;
import dev.tributary.dsl.plan.FilterNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;

public final class FilterTranslator implements NodeTranslator<FilterNode> {
    @Override
    public Class<FilterNode> nodeType() {
        return FilterNode.class;
    }

    @Override
    public Processor translate(FilterNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        Predicate<Object, Object> predicate = node.predicate();
        boolean keepIf = !node.negate();
        String name = node.name();
        return record -> {
            boolean match;
            try {
                match = predicate.test(record.key(), record.value());
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
            if (match == keepIf) {
                next.process(record);
            }
        };
    }
}
