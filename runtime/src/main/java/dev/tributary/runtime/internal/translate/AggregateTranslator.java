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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Folds each record into its key's aggregate in the node's store (count, reduce and aggregate alike). */
public final class AggregateTranslator implements NodeTranslator<AggregateNode> {
    private static final Logger LOG = LoggerFactory.getLogger(AggregateTranslator.class);

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
        long[] skipped = {0};
        return record -> {
            // As in Kafka Streams, a record without a key or value cannot update an aggregate.
            if (record.key() == null || record.value() == null) {
                if (skipped[0]++ == 0) {
                    LOG.warn("{}: skipping records with a null key or value (counted; this is logged once)", name);
                }
                return;
            }
            Object updated;
            try {
                Object current = store.get(record.key());
                updated = aggregator.apply(record.key(), record.value(), current != null ? current : initializer.apply());
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
            store.put(record.key(), updated);
            if (emitAtOnce) {
                next.process(record.withValue(updated));
            }
        };
    }
}
