package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.MergeNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.Processor;

/** Every parent calls the merge's operator, so the merge itself only passes records on. */
public final class MergeTranslator implements NodeTranslator<MergeNode> {
    @Override
    public Class<MergeNode> nodeType() {
        return MergeNode.class;
    }

    @Override
    public Processor translate(MergeNode node, TranslationContext context) {
        return Forward.to(context.children());
    }
}
