package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.Initializer;
import dev.tributary.dsl.plan.TableAggregateNode;
import dev.tributary.dsl.plan.TableGroupByNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.state.TypedStore;

/** Folds a re-grouped table's changes into the aggregates: in with the adder, out with the subtractor. */
public final class TableAggregateTranslator implements NodeTranslator<TableAggregateNode> {
    @Override
    public Class<TableAggregateNode> nodeType() {
        return TableAggregateNode.class;
    }

    @Override
    public Processor translate(TableAggregateNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        TypedStore<Object, Object> store = context.state().store(node.store().name());
        boolean emitAtOnce = new TableEmitter(node.store().name(), context.state(), next).emitsAtOnce();
        Initializer<Object> initializer = node.initializer();
        Aggregator<Object, Object, Object> adder = node.adder();
        Aggregator<Object, Object, Object> subtractor = node.subtractor();
        return record -> {
            String change = record.properties().get(TableGroupByNode.CHANGE);
            if (record.key() == null || record.value() == null || change == null) {
                throw ProcessingException.invalid(node.name(), "a re-grouped table's change needs a key, a value and"
                        + " the property " + TableGroupByNode.CHANGE + " (add or subtract); got key " + record.key()
                        + ", change " + change);
            }
            Object updated;
            // The key is encoded and hashed once for the read and the write.
            byte[] keyBytes;
            int keyGroup;
            try {
                keyBytes = store.encodeKey(record.key());
                keyGroup = store.keyGroup(keyBytes);
                Object current = store.get(keyGroup, keyBytes);
                Object base = current != null ? current : initializer.apply();
                updated = change.equals("subtract") ? subtractor.apply(record.key(), record.value(), base)
                        : adder.apply(record.key(), record.value(), base);
            } catch (RuntimeException e) {
                throw new ProcessingException(node.name(), e);
            }
            store.put(keyGroup, keyBytes, updated);
            if (emitAtOnce) {
                next.process(new dev.tributary.dsl.processor.Record<>(record.key(), updated, record.timestamp(),
                        java.util.Map.of()));
            }
        };
    }
}
