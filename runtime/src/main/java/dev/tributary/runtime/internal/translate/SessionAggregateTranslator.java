package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.SessionAggregateNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.Processor;

/** Counts, reduces or aggregates per key and session, in a session store (see {@link SessionAggregation}). */
public final class SessionAggregateTranslator implements NodeTranslator<SessionAggregateNode> {
    @Override
    public Class<SessionAggregateNode> nodeType() {
        return SessionAggregateNode.class;
    }

    @Override
    public Processor translate(SessionAggregateNode node, TranslationContext context) {
        return new SessionAggregation(node, context.state(), Forward.to(context.children()),
                context.compile().idleAdvanceMs());
    }
}
