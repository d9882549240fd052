package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.ValueJoiner;
import dev.tributary.dsl.plan.StreamTableJoinNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.state.TypedStore;

/**
 * Looks each record's key up in the table's store, in the record's key group (the table's updates of
 * that key group are written there by the table's own node, on this instance), and joins the values.
 */
public final class StreamTableJoinTranslator implements NodeTranslator<StreamTableJoinNode> {
    @Override
    public Class<StreamTableJoinNode> nodeType() {
        return StreamTableJoinNode.class;
    }

    @Override
    public Processor translate(StreamTableJoinNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        TypedStore<Object, Object> table = context.state().store(node.tableStore());
        ValueJoiner<Object, Object, Object> joiner = node.joiner();
        return record -> {
            if (record.key() == null) {
                throw ProcessingException.invalid(node.name(), "a record without a key cannot be joined with table '"
                        + node.tableStore() + "'");
            }
            if (record.value() == null) {
                throw ProcessingException.invalid(node.name(), "a record without a value cannot be joined with table '"
                        + node.tableStore() + "'");
            }
            Object row = table.get(record.key());
            if (row == null && !node.left()) {
                return;
            }
            next.process(record.withValue(Joiners.join(node.name(), joiner, record.value(), row)));
        };
    }
}
