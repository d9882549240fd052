package dev.tributary.bench;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.ProcessingGuarantee;
import dev.tributary.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Schema;

/** B9: the cost of exactly-once, beside at-least-once and the raw loop in the same run. */
final class ExactlyOnceCost {
    private ExactlyOnceCost() {
    }

    /**
     * B9: what exactly-once costs. B1's pass-through and B3's count over 10,000 keys, each under
     * at-least-once and exactly-once, at the default commit interval and at 1 s, beside the raw loop.
     */
    static List<Result> scenario(Bench bench, BenchBroker pulsar, long records, Path work) throws Exception {
        List<Result> results = new ArrayList<>();
        String text = bench.publishText();
        String passThrough = "B9 exactly-once cost, pass-through";
        results.add(Bench.baseline(RawLoops.run(passThrough, "raw loop, default batcher", pulsar.serviceUrl(), text,
                bench.topic("out"), Schema.STRING, Schema.STRING, BatcherBuilder.DEFAULT, records, (k, v) -> v)));
        for (java.time.Duration interval : List.of(RuntimeOptions.COMMIT_INTERVAL.defaultValue(),
                java.time.Duration.ofSeconds(1))) {
            for (ProcessingGuarantee guarantee : ProcessingGuarantee.values()) {
                StreamBuilder builder = new StreamBuilder();
                builder.stream(text, Schema.STRING).to(bench.topic("out"),
                        Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.KEY_GROUP));
                results.add(bench.tributary(passThrough, "Tributary, " + describe(guarantee, interval), builder.build(),
                        Configuration.empty().with(RuntimeOptions.PROCESSING_GUARANTEE, guarantee)
                                .with(RuntimeOptions.COMMIT_INTERVAL, interval), ExactlyOnceCost::commitTimes));
            }
        }
        // The same with the default batcher: one entry per commit and topic rather than one per key group,
        // which tells a cost per entry written in a transaction from a cost per commit.
        for (ProcessingGuarantee guarantee : ProcessingGuarantee.values()) {
            StreamBuilder builder = new StreamBuilder();
            builder.stream(text, Schema.STRING).to(bench.topic("out"),
                    Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.DEFAULT));
            results.add(bench.tributary(passThrough, "Tributary, " + describe(guarantee,
                    RuntimeOptions.COMMIT_INTERVAL.defaultValue()) + ", DEFAULT batching", builder.build(),
                    Configuration.empty().with(RuntimeOptions.PROCESSING_GUARANTEE, guarantee), ExactlyOnceCost::commitTimes));
        }
        Keys keys = Keys.uniform(10_000);
        String keyed = bench.publishText(keys);
        String count = "B9 exactly-once cost, keyed count, " + keys.describe();
        results.add(KeyedState.rawCount(bench, pulsar, records, work, count, keyed));
        for (java.time.Duration interval : List.of(RuntimeOptions.COMMIT_INTERVAL.defaultValue(),
                java.time.Duration.ofSeconds(1))) {
            for (ProcessingGuarantee guarantee : ProcessingGuarantee.values()) {
                StreamBuilder builder = new StreamBuilder();
                builder.stream(keyed, Schema.STRING).groupByKey().count().toStream().to(bench.topic("out"),
                        Produced.with(Schema.STRING, Schema.INT64).withBatching(ProducerBatching.KEY_GROUP));
                results.add(bench.tributary(count, "Tributary, " + describe(guarantee, interval), builder.build(),
                        Configuration.empty().with(RuntimeOptions.PROCESSING_GUARANTEE, guarantee)
                                .with(RuntimeOptions.COMMIT_INTERVAL, interval), ExactlyOnceCost::commitTimes));
            }
        }
        return results;
    }

    /** Prints how long the job's commits took: the part of the run the task spent committing. */
    private static void commitTimes(dev.tributary.runtime.JobRunner job) {
        io.micrometer.core.instrument.Timer commits = job.meterRegistry().get("tributary.commits").timer();
        System.out.printf(Locale.ROOT, "  B9: %,d commits, %.1f ms on average, %.1f ms at most%n", commits.count(),
                commits.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                commits.max(java.util.concurrent.TimeUnit.MILLISECONDS));
        for (String phase : List.of("state", "outputs", "acks", "transaction")) {
            io.micrometer.core.instrument.Timer timer = job.meterRegistry().find("tributary.commits.phase")
                    .tag("phase", phase).timer();
            if (timer != null && timer.count() > 0) {
                System.out.printf(Locale.ROOT, "      %s: %.1f ms on average%n", phase,
                        timer.mean(java.util.concurrent.TimeUnit.MILLISECONDS));
            }
        }
    }

    private static String describe(ProcessingGuarantee guarantee, java.time.Duration interval) {
        return guarantee.name().toLowerCase(Locale.ROOT).replace('_', '-') + ", commit every "
                + (interval.toMillis() < 1000 ? interval.toMillis() + " ms" : interval.toSeconds() + " s");
    }

}
