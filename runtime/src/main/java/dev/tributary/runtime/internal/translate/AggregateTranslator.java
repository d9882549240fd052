package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.Initializer;
import dev.tributary.dsl.plan.AggregateNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.state.TypedStore;

/** Folds each record into its key's aggregate in the node's store (count, reduce and aggregate alike). */
public final class AggregateTranslator implements NodeTranslator<AggregateNode> {

    @Override
    public Class<AggregateNode> nodeType() {
        return AggregateNode.class;
    }

    @Override
    public Processor translate(AggregateNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        TypedStore<Object, Object> store = context.state().store(node.store().name());
        TableEmitter emitter = new TableEmitter(node.store().name(), context.state(), next);
        boolean emitAtOnce = emitter.emitsAtOnce();
        Initializer<Object> initializer = node.initializer();
        Aggregator<Object, Object, Object> aggregator = node.aggregator();
        String name = node.name();
        return record -> {
            // Kafka Streams drops these with a metric; here they follow the error policy, so none vanishes.
            if (record.key() == null) {
                throw ProcessingException.invalid(name, "a record without a key cannot update an aggregate");
            }
            if (record.value() == null) {
                throw ProcessingException.invalid(name, "a record without a value cannot update an aggregate");
            }
            Object updated;
            // The key is encoded and hashed once for the read and the write.
            byte[] keyBytes;
            int keyGroup;
            try {
                keyBytes = store.encodeKey(record.key());
                keyGroup = store.keyGroup(keyBytes);
                Object current = store.get(keyGroup, keyBytes);
                updated = aggregator.apply(record.key(), record.value(), current != null ? current : initializer.apply());
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
            store.put(keyGroup, keyBytes, updated);
            if (emitAtOnce) {
                next.process(record.withValue(updated));
            }
        };
    }
}
