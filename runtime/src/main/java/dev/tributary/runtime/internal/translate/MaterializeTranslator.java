package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.MaterializeNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.state.TypedStore;

/** Keeps the latest value per key; a null value deletes the key. */
public final class MaterializeTranslator implements NodeTranslator<MaterializeNode> {
    @Override
    public Class<MaterializeNode> nodeType() {
        return MaterializeNode.class;
    }

    @Override
    public Processor translate(MaterializeNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        TypedStore<Object, Object> store = context.state().store(node.store().name());
        boolean emitAtOnce = new TableEmitter(node.store().name(), context.state(), next).emitsAtOnce();
        return record -> {
            if (record.key() == null) {
                throw ProcessingException.invalid(node.name(), "a record without a key cannot update table '"
                        + node.store().name() + "'");
            }
            store.put(record.key(), record.value());
            if (emitAtOnce) {
                next.process(record);
            }
        };
    }
}
