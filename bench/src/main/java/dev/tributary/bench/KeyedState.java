package dev.tributary.bench;

import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/** The scenarios of state that grows with the keys: B3, a keyed count, and B7, a restore. */
final class KeyedState {
    /** A B3 run: the raw loop, Tributary, and the local state Tributary left on disk when it closed. */
    record Count(Result raw, Result tributary, long stateBytes) {
        List<Result> results() {
            return List.of(raw, tributary);
        }
    }

    /** A B7 run: the raw reader, Tributary's start, and what the broker stores for the changelog. */
    record Restore(Result raw, Result tributary, long changelogBytes) {
        List<Result> results() {
            return List.of(raw, tributary);
        }
    }

    private KeyedState() {
    }

    /** B3: count per key in RocksDB, write each new count; 10k keys, then 1M keys uniform and Zipf-skewed. */
    static List<Result> keyedCounts(Bench bench, BenchBroker pulsar, long records, Path work) throws Exception {
        List<Result> results = new ArrayList<>();
        for (Keys keys : List.of(Keys.uniform(10_000), Keys.uniform(1_000_000), Keys.zipf(1_000_000))) {
            results.addAll(count(bench, pulsar, records, work, keys).results());
        }
        return results;
    }

    static Count count(Bench bench, BenchBroker pulsar, long records, Path work, Keys keys) throws Exception {
        String input = bench.publishText(keys);
        String scenario = "B3 keyed count, " + keys.describe();
        Result raw = rawCount(bench, pulsar, records, work, scenario, input);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).groupByKey().count().toStream()
                .to(bench.topic("out"), Produced.with(Schema.STRING, Schema.INT64)
                        .withBatching(ProducerBatching.KEY_GROUP));
        long heapBefore = Bench.heapAfterGc();
        long[] heapWith = new long[1];
        long diskBefore = bytesUnder(work.resolve("state"));
        Result result = bench.tributary(scenario, "Tributary, RocksDB, changelog, emit on commit", builder.build(),
                Configuration.empty(), job -> heapWith[0] = Bench.heapAfterGc());
        // After the close, which flushes RocksDB's memtables: while it runs most of the state is in memory.
        long stateBytes = bytesUnder(work.resolve("state")) - diskBefore;
        return new Count(raw, new Result(result.scenario(), result.variant(), false, result.records(), result.nanos(),
                result.cpuNanos(), null, Math.max(0, heapWith[0] - heapBefore)), stateBytes);
    }

    /** The raw loop of a keyed count: a RocksDB read-modify-write per record, every new count sent (the baseline). */
    static Result rawCount(Bench bench, BenchBroker pulsar, long records, Path work, String scenario, String input)
            throws Exception {
        Path rocks = Files.createDirectories(work.resolve(Bench.unique("raw-rocks")));
        RawLoops.Counts[] counts = new RawLoops.Counts[1];
        try {
            return Bench.baseline(RawLoops.run(scenario, "raw loop + RocksDB get/put per record", pulsar.serviceUrl(),
                    input, bench.topic("out"), Schema.STRING, Schema.INT64, BatcherBuilder.DEFAULT, records, (k, v) -> {
                        if (counts[0] == null) {
                            counts[0] = new RawLoops.Counts(rocks);
                        }
                        return counts[0].increment(k);
                    }));
        } finally {
            if (counts[0] != null) {
                counts[0].close();
            }
        }
    }

    /**
     * B7: a count over as many distinct keys as records fills a changelog (not timed); then the raw
     * restore reads it into RocksDB, and a new start of the job on an empty state directory restores it.
     * Tributary's time is that of {@code start()}: connecting, claiming the key groups and restoring
     * all of them, until the job is ready.
     */
    static Restore restore(Bench bench, BenchBroker pulsar, long records, Path work) throws Exception {
        String input = bench.topic("keys");
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true).create()) {
            for (long i = 0; i < records; i++) {
                producer.newMessage().key("key-" + i).value("x").sendAsync();
            }
            producer.flush();
        }
        String app = Bench.unique("bench-restore");
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).groupByKey().count().toStream()
                .to(bench.topic("out"), Produced.with(Schema.STRING, Schema.INT64)
                        .withBatching(ProducerBatching.KEY_GROUP));
        Topology topology = builder.build();
        Path state = work.resolve("state-" + app);
        Configuration config = Configuration.empty()
                .with(RuntimeOptions.APPLICATION_ID, app)
                .with(RuntimeOptions.SERVICE_URL, pulsar.serviceUrl())
                .with(RuntimeOptions.ADMIN_URL, pulsar.httpUrl())
                .with(RuntimeOptions.STATE_DIR, state.toString())
                .withAll(bench.jobSettings());
        try (JobRunner fill = new JobRunner(topology, config).start()) {
            while (fill.processedRecords() < records) {
                if (fill.failure().isPresent()) {
                    throw new IllegalStateException("the job failed", fill.failure().get());
                }
                Thread.sleep(10);
            }
        }
        String changelog = pulsar.admin().topics().getPartitionedTopicList("public/default").stream()
                .filter(t -> t.contains("/" + app + "-") && t.endsWith("-changelog")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no changelog topic of " + app));
        String scenario = "B7 restore, " + String.format(Locale.ROOT, "%,d", records) + " keys";
        long changelogBytes = pulsar.admin().topics().getPartitionedStats(changelog, false).getStorageSize();
        Result raw = Bench.baseline(RawLoops.restore(scenario, "raw reader + RocksDB write batches",
                pulsar.serviceUrl(), changelog, Files.createDirectories(work.resolve(Bench.unique("raw-restore")))));
        WorkDirectories.delete(state);
        // The restore runs on the job's task thread, after start() has claimed the key groups.
        Cpu cpu = new Cpu(name -> name.equals(Thread.currentThread().getName()) || name.startsWith("pulsar-client")
                || name.startsWith("tributary-" + app));
        long began = System.nanoTime();
        JobRunner job = new JobRunner(topology, config).start();
        if (!job.awaitKeyGroupsReady(java.time.Duration.ofHours(1))) {
            throw new IllegalStateException("the restore did not end", job.failure().orElse(null));
        }
        long nanos = System.nanoTime() - began;
        long cpuNanos = cpu.nanos();
        long restored = job.restoredRecords();
        job.close();
        return new Restore(raw, new Result(scenario, "Tributary, start on an empty state directory", false, restored,
                nanos, cpuNanos), changelogBytes);
    }

    /** The size of the files under a directory; 0 if it does not exist. */
    static long bytesUnder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (java.io.IOException e) {
                    return 0; // a RocksDB file compacted away while walking
                }
            }).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
