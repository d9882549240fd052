package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.plan.PlanNode;
import java.util.HashMap;
import java.util.Map;

/** The translator of each plan node type; the runtime's own are registered by {@code DefaultTranslators}. */
public final class Translators {
    private final Map<Class<?>, NodeTranslator<?>> byType = new HashMap<>();

    public Translators register(NodeTranslator<?> translator) {
        byType.put(translator.nodeType(), translator);
        return this;
    }

    @SuppressWarnings("unchecked")
    public <N extends PlanNode> NodeTranslator<N> of(N node) {
        NodeTranslator<N> translator = (NodeTranslator<N>) byType.get(node.getClass());
        if (translator == null) {
            throw new TopologyException("node '" + node.name() + "' is of kind '" + node.kind()
                    + "', which this runtime cannot run (no translator for " + node.getClass().getName() + ")");
        }
        return translator;
    }
}
