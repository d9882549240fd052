package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.Predicate;
import dev.tributary.dsl.plan.TableFilterNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;

/** A row that fails the test is passed on as a deletion, so downstream tables forget it. */
public final class TableFilterTranslator implements NodeTranslator<TableFilterNode> {
    @Override
    public Class<TableFilterNode> nodeType() {
        return TableFilterNode.class;
    }

    @Override
    public Processor translate(TableFilterNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        Predicate<Object, Object> predicate = node.predicate();
        boolean keepIf = !node.negate();
        return record -> {
            if (record.value() == null) {
                next.process(record);
                return;
            }
            boolean match;
            try {
                match = predicate.test(record.key(), record.value());
            } catch (RuntimeException e) {
                throw new ProcessingException(node.name(), e);
            }
            next.process(match == keepIf ? record : record.withValue(null));
        };
    }
}
