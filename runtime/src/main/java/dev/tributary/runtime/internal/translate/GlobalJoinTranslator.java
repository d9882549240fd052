package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.KeyValueMapper;
import dev.tributary.dsl.ValueJoiner;
import dev.tributary.dsl.plan.GlobalJoinNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.global.GlobalTables;

/** Looks up the row the key mapper names in the instance's copy of the global table, and joins. */
public final class GlobalJoinTranslator implements NodeTranslator<GlobalJoinNode> {
    @Override
    public Class<GlobalJoinNode> nodeType() {
        return GlobalJoinNode.class;
    }

    @Override
    public Processor translate(GlobalJoinNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        GlobalTables.Table table = context.compile().globals().table(node.globalTable());
        KeyValueMapper<Object, Object, Object> keyMapper = node.keyMapper();
        ValueJoiner<Object, Object, Object> joiner = node.joiner();
        return record -> {
            if (record.value() == null) {
                throw ProcessingException.invalid(node.name(), "a record without a value cannot be joined with global"
                        + " table '" + node.globalTable() + "'");
            }
            Object row;
            try {
                Object key = keyMapper.apply(record.key(), record.value());
                row = key == null ? null : table.get(key);
            } catch (RuntimeException e) {
                throw new ProcessingException(node.name(), e);
            }
            if (row == null && !node.left()) {
                return;
            }
            next.process(record.withValue(Joiners.join(node.name(), joiner, record.value(), row)));
        };
    }
}
