package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.BranchNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.Processor;

/** A branch passes on what its split routed to it; the routing happens in the split. */
public final class BranchTranslator implements NodeTranslator<BranchNode> {
    @Override
    public Class<BranchNode> nodeType() {
        return BranchNode.class;
    }

    @Override
    public Processor translate(BranchNode node, TranslationContext context) {
        return Forward.to(context.children());
    }
}
