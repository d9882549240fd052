package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.StreamStreamJoinNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.Processor;

/** One side of a windowed stream-stream join; both sides of a task share one {@link StreamStreamJoin}. */
public final class StreamStreamJoinTranslator implements NodeTranslator<StreamStreamJoinNode> {
    @Override
    public Class<StreamStreamJoinNode> nodeType() {
        return StreamStreamJoinNode.class;
    }

    @Override
    public Processor translate(StreamStreamJoinNode node, TranslationContext context) {
        // Both sides feed the same merge node, so either side's children do for the join.
        StreamStreamJoin join = context.state().shared("stream-stream-join " + node.join(),
                () -> new StreamStreamJoin(node, context.state(), Forward.to(context.children()),
                        context.compile().idleAdvanceMs()));
        return join.side(node);
    }
}
