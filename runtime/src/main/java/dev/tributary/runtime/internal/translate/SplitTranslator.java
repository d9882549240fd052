package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.Predicate;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.plan.BranchNode;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.dsl.plan.SplitNode;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import java.util.List;

/** Routes a record to the branch of its first matching predicate; the branch nodes are its children. */
public final class SplitTranslator implements NodeTranslator<SplitNode> {
    @Override
    public Class<SplitNode> nodeType() {
        return SplitNode.class;
    }

    @Override
    public Processor translate(SplitNode node, TranslationContext context) {
        List<Predicate<Object, Object>> predicates = node.predicates();
        int branchCount = predicates.size() + (node.hasDefault() ? 1 : 0);
        Processor[] branches = new Processor[branchCount];
        List<PlanNode> childNodes = context.childNodes();
        for (int i = 0; i < childNodes.size(); i++) {
            if (!(childNodes.get(i) instanceof BranchNode branch) || branch.index() >= branchCount) {
                throw new TopologyException("split '" + node.name() + "' feeds '" + childNodes.get(i).name()
                        + "', which is not one of its branches");
            }
            branches[branch.index()] = context.children().get(i);
        }
        for (int i = 0; i < branchCount; i++) {
            if (branches[i] == null) {
                throw new TopologyException("split '" + node.name() + "' has no node for branch #" + i);
            }
        }
        @SuppressWarnings("unchecked")
        Predicate<Object, Object>[] tests = predicates.toArray(new Predicate[0]);
        Processor fallback = node.hasDefault() ? branches[tests.length] : null;
        String name = node.name();
        return record -> {
            for (int i = 0; i < tests.length; i++) {
                boolean match;
                try {
                    match = tests[i].test(record.key(), record.value());
                } catch (RuntimeException e) {
                    throw new ProcessingException(name, e);
                }
                if (match) {
                    branches[i].process(record);
                    return;
                }
            }
            if (fallback != null) {
                fallback.process(record);
            }
        };
    }
}
