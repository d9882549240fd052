package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.runtime.internal.translate.AggregateTranslator;
import dev.tributary.runtime.internal.translate.BranchTranslator;
import dev.tributary.runtime.internal.translate.MaterializeTranslator;
import dev.tributary.runtime.internal.translate.ProcessTranslator;
import dev.tributary.runtime.internal.translate.RepartitionTranslator;
import dev.tributary.runtime.internal.translate.TableFilterTranslator;
import dev.tributary.runtime.internal.translate.TableMapValuesTranslator;
import dev.tributary.runtime.internal.translate.ToStreamTranslator;
import dev.tributary.runtime.internal.translate.FilterTranslator;
import dev.tributary.runtime.internal.translate.FlatMapTranslator;
import dev.tributary.runtime.internal.translate.FlatMapValuesTranslator;
import dev.tributary.runtime.internal.translate.ForeachTranslator;
import dev.tributary.runtime.internal.translate.MapTranslator;
import dev.tributary.runtime.internal.translate.MapValuesTranslator;
import dev.tributary.runtime.internal.translate.MergeTranslator;
import dev.tributary.runtime.internal.translate.PeekTranslator;
import dev.tributary.runtime.internal.translate.SelectKeyTranslator;
import dev.tributary.runtime.internal.translate.SinkTranslator;
import dev.tributary.runtime.internal.translate.SourceTranslator;
import dev.tributary.runtime.internal.translate.SplitTranslator;
import java.util.HashMap;
import java.util.Map;

/** The translator of each plan node type. */
public final class Translators {
    private final Map<Class<?>, NodeTranslator<?>> byType = new HashMap<>();

    public static Translators defaults() {
        return new Translators()
                .register(new SourceTranslator())
                .register(new FilterTranslator())
                .register(new MapTranslator())
                .register(new SelectKeyTranslator())
                .register(new MapValuesTranslator())
                .register(new FlatMapTranslator())
                .register(new FlatMapValuesTranslator())
                .register(new PeekTranslator())
                .register(new ForeachTranslator())
                .register(new SplitTranslator())
                .register(new BranchTranslator())
                .register(new MergeTranslator())
                .register(new SinkTranslator())
                .register(new RepartitionTranslator())
                .register(new AggregateTranslator())
                .register(new MaterializeTranslator())
                .register(new TableFilterTranslator())
                .register(new TableMapValuesTranslator())
                .register(new ToStreamTranslator())
                .register(new ProcessTranslator())
                .register(new dev.tributary.runtime.internal.translate.ConnectorSourceTranslator())
                .register(new dev.tributary.runtime.internal.translate.ConnectorSinkTranslator());
    }

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
