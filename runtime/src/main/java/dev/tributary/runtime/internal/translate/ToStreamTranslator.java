package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.ToStreamNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.Processor;

/** Table updates are already records; the stream passes them on. */
public final class ToStreamTranslator implements NodeTranslator<ToStreamNode> {
    @Override
    public Class<ToStreamNode> nodeType() {
        return ToStreamNode.class;
    }

    @Override
    public Processor translate(ToStreamNode node, TranslationContext context) {
        return Forward.to(context.children());
    }
}
