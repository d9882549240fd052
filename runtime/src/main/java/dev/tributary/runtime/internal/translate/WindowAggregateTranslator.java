package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.WindowAggregateNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.Processor;

/** Counts, reduces or aggregates per key and time or sliding window, in a window store (see {@link TimeWindowAggregation}
 * and {@link SlidingWindowAggregation}). */
public final class WindowAggregateTranslator implements NodeTranslator<WindowAggregateNode> {
    @Override
    public Class<WindowAggregateNode> nodeType() {
        return WindowAggregateNode.class;
    }

    @Override
    public Processor translate(WindowAggregateNode node, TranslationContext context) {
        if (node.store().windows().sliding()) {
            return new SlidingWindowAggregation(node, context.state(), Forward.to(context.children()),
                    context.compile().idleAdvanceMs());
        }
        return new TimeWindowAggregation(node, context.state(), Forward.to(context.children()),
                context.compile().idleAdvanceMs());
    }
}
