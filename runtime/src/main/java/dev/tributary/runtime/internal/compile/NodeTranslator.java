package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.runtime.internal.core.Processor;

/** Turns one type of plan node into the operator that runs it in a task. */
public interface NodeTranslator<N extends PlanNode> {
    Class<N> nodeType();

    /** Checks the node once, at compile time, with the job's settings; throws TopologyException. */
    default void validate(N node, CompileContext context) {
    }

    /** Creates the node's operator for one task; its children are already built. */
    Processor translate(N node, TranslationContext context);
}
