package dev.tributary.runtime.internal.metrics;

import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.core.Processor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Counts the records each node receives and times one record in 64 through it. A node calls its
 * children before it returns, so a node's time includes the nodes below it: the difference between a
 * node and its children is the node's own share.
 */
public final class NodeMetrics {
    public static final String NODE_RECORDS = "tributary.node.records";
    public static final String NODE_TIME = "tributary.node.time";

    private final TaskMetrics metrics;

    public NodeMetrics(TaskMetrics metrics) {
        this.metrics = metrics;
    }

    /** The operator as its parents will call it. */
    public Processor wrap(String node, Processor processor) {
        Measured measured = new Measured(processor, Timer.builder(NODE_TIME).tags(metrics.tags().and("node", node))
                .description("Time to process a record in a node and the nodes it calls, 1 in 64 sampled")
                .register(metrics.registry()));
        FunctionCounter.builder(NODE_RECORDS, measured, m -> m.count).tags(metrics.tags().and("node", node))
                .description("Records a node received").register(metrics.registry());
        return measured;
    }

    private static final class Measured implements Processor {
        private final Processor delegate;
        private final Timer timer;
        /** Read racily by the scrape; written by the task's thread only. */
        long count;

        Measured(Processor delegate, Timer timer) {
            this.delegate = delegate;
            this.timer = timer;
        }

        @Override
        public void process(Record<Object, Object> record) {
            if ((++count & 63) != 0) {
                delegate.process(record);
                return;
            }
            long began = System.nanoTime();
            try {
                delegate.process(record);
            } finally {
                timer.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
            }
        }
    }
}
