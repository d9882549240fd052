package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.core.RecordCollector;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.state.TaskState;
import java.util.List;

/** What a translator gets to build one operator of one task. */
public record TranslationContext(List<PlanNode> childNodes, List<Processor> children, RecordCollector collector,
                                 KeyGroups keyGroups, TaskState state, CompileContext compile) {
}
