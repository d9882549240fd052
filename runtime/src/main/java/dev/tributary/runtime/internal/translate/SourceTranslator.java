package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.SourceNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.Processor;

/** A source's operator only passes decoded records on; consuming is the adapter's job. */
public final class SourceTranslator implements NodeTranslator<SourceNode> {
    @Override
    public Class<SourceNode> nodeType() {
        return SourceNode.class;
    }

    @Override
    public Processor translate(SourceNode node, TranslationContext context) {
        return Forward.to(context.children());
    }
}
