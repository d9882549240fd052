package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.ValueJoiner;
import dev.tributary.dsl.plan.TableTableJoinNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.state.TypedStore;

/**
 * One side of a table-table join: an update of this side meets the other table's current value for
 * the key (its store, in the same key group), and the joined table gets the new result, or a deletion
 * where the join does not hold. Without the old values, a deletion is also sent for a key the joined
 * table never held; a table reading the result just finds nothing to delete.
 */
public final class TableTableJoinTranslator implements NodeTranslator<TableTableJoinNode> {
    @Override
    public Class<TableTableJoinNode> nodeType() {
        return TableTableJoinNode.class;
    }

    @Override
    public Processor translate(TableTableJoinNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        TypedStore<Object, Object> other = context.state().store(node.otherStore());
        ValueJoiner<Object, Object, Object> joiner = node.joiner();
        return record -> {
            if (record.key() == null) {
                throw ProcessingException.invalid(node.name(), "a table update without a key cannot be joined");
            }
            Object otherValue = other.get(record.key());
            Object left = node.leftSide() ? record.value() : otherValue;
            Object right = node.leftSide() ? otherValue : record.value();
            boolean holds = switch (node.joinKind()) {
                case INNER -> left != null && right != null;
                case LEFT -> left != null;
                case OUTER -> left != null || right != null;
            };
            next.process(record.withValue(holds ? Joiners.join(node.name(), joiner, left, right) : null));
        };
    }
}
