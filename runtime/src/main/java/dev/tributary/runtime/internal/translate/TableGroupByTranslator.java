package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.KeyValueMapper;
import dev.tributary.dsl.plan.TableGroupByNode;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.state.TypedStore;
import java.util.Map;

/**
 * Sends a table update on as the changes of its groups: the row's previous value out of its old group,
 * then its new value into its new one. The previous values are this node's own store (logged like any
 * store), since a table's update carries only the new value.
 */
public final class TableGroupByTranslator implements NodeTranslator<TableGroupByNode> {
    private static final Map<String, String> SUBTRACT = Map.of(TableGroupByNode.CHANGE, "subtract");
    private static final Map<String, String> ADD = Map.of(TableGroupByNode.CHANGE, "add");

    @Override
    public Class<TableGroupByNode> nodeType() {
        return TableGroupByNode.class;
    }

    @Override
    public Processor translate(TableGroupByNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        TypedStore<Object, Object> previous = context.state().store(node.previous().name());
        KeyValueMapper<Object, Object, KeyValue<Object, Object>> selector = node.selector();
        return record -> {
            if (record.key() == null) {
                throw ProcessingException.invalid(node.name(), "a table update without a key cannot be re-grouped");
            }
            Object old = previous.get(record.key());
            KeyValue<Object, Object> out = old == null ? null : select(node, selector, record.key(), old);
            KeyValue<Object, Object> in = record.value() == null ? null
                    : select(node, selector, record.key(), record.value());
            previous.put(record.key(), record.value());
            if (out != null) {
                next.process(new Record<>(out.key(), out.value(), record.timestamp(), SUBTRACT));
            }
            if (in != null) {
                next.process(new Record<>(in.key(), in.value(), record.timestamp(), ADD));
            }
        };
    }

    private static KeyValue<Object, Object> select(TableGroupByNode node,
                                                   KeyValueMapper<Object, Object, KeyValue<Object, Object>> selector,
                                                   Object key, Object value) {
        KeyValue<Object, Object> selected;
        try {
            selected = selector.apply(key, value);
        } catch (RuntimeException e) {
            throw new ProcessingException(node.name(), e);
        }
        if (selected == null || selected.key() == null) {
            throw ProcessingException.invalid(node.name(), "the selector gave no new key for the row of key " + key);
        }
        return selected;
    }
}
