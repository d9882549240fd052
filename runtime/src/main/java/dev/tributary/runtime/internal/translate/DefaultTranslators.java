package dev.tributary.runtime.internal.translate;

import dev.tributary.runtime.internal.compile.Translators;

/** The translators of every plan node type the runtime knows. */
public final class DefaultTranslators {
    private DefaultTranslators() {
    }

    /** A registry holding one translator per node type, to which a caller may add or replace translators. */
    public static Translators registry() {
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
                .register(new WindowAggregateTranslator())
                .register(new SessionAggregateTranslator())
                .register(new MaterializeTranslator())
                .register(new StreamTableJoinTranslator())
                .register(new TableTableJoinTranslator())
                .register(new StreamStreamJoinTranslator())
                .register(new ForeignKeyJoinTranslator())
                .register(new GlobalTableTranslator())
                .register(new GlobalJoinTranslator())
                .register(new TableGroupByTranslator())
                .register(new TableAggregateTranslator())
                .register(new TableFilterTranslator())
                .register(new TableMapValuesTranslator())
                .register(new ToStreamTranslator())
                .register(new ProcessTranslator())
                .register(new ConnectorSourceTranslator())
                .register(new ConnectorSinkTranslator());
    }
}
