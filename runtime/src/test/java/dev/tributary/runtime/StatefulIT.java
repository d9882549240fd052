package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Grouped;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.state.Materialized;
import dev.tributary.state.StateException;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PulsarExtension.class)
class StatefulIT {
    @TempDir
    Path stateRoot;

    /** Outputs read by Tributary or a single reader: batched by key group, one broker entry per group run. */
    private static <K, V> Produced<K, V> batched(Schema<K> keys, Schema<V> values) {
        return Produced.with(keys, values).withBatching(ProducerBatching.KEY_GROUP);
    }

    /** count, sum (reduce) and "min:max" (aggregate) of each key's values, each to its own topic. */
    private static Topology aggregations(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        var grouped = builder.stream(input, Schema.INT64).groupByKey();
        grouped.count(Materialized.as("counts")).toStream().to(output + "-count", batched(Schema.STRING, Schema.INT64));
        grouped.reduce(Long::sum, Materialized.as("sums")).toStream().to(output + "-sum", batched(Schema.STRING, Schema.INT64));
        grouped.aggregate(() -> "", (k, v, range) -> {
            if (range.isEmpty()) {
                return v + ":" + v;
            }
            String[] bounds = range.split(":");
            return Math.min(Long.parseLong(bounds[0]), v) + ":" + Math.max(Long.parseLong(bounds[1]), v);
        }, Materialized.<String, String>as("ranges").withValueSchema(Schema.STRING))
                .toStream().to(output + "-range", batched(Schema.STRING, Schema.STRING));
        return builder.build();
    }

    /**
     * Sixteen key groups instead of the default 64: every key group is a changelog partition per store
     * to create, fence and restore, which is most of a start here, and the count changes nothing these
     * tests check. CrashIT and ScalingIT run the default.
     */
    private Configuration stateful(EmbeddedPulsar pulsar, String app) {
        return config(pulsar, app).with(RuntimeOptions.STATE_DIR, stateRoot.toString())
                .with(RuntimeOptions.KEY_GROUPS, 16);
    }

    private static void produce(PulsarClient client, String topic, int from, int to, int keys) throws Exception {
        try (Producer<Long> producer = client.newProducer(Schema.INT64).topic(topic).blockIfQueueFull(true).create()) {
            Sends sends = new Sends();
            for (int i = from; i < to; i++) {
                sends.add(producer.newMessage().key("key-" + (i % keys)).value((long) i).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
        }
    }

    /** The latest value per key on a topic: a table's current state as its updates describe it. */
    private static <T> Map<String, T> latest(PulsarClient client, String topic, Schema<T> schema, int keys)
            throws Exception {
        Map<String, T> latest = new HashMap<>();
        try (Consumer<T> consumer = client.newConsumer(schema).topic(topic).subscriptionName(unique("latest"))
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
            Message<T> message;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && ((message = consumer.receive(latest.size() < keys ? 1000 : 500, TimeUnit.MILLISECONDS)) != null
                    || latest.size() < keys)) {
                if (message != null) {
                    latest.put(message.getKey(), message.getValue());
                }
            }
        }
        return latest;
    }

    private static void awaitProcessed(JobRunner job, long records) throws InterruptedException {
        await(records + " records processed", Duration.ofSeconds(90), () -> job.processedRecords() >= records);
    }

    private static void assertCounts(PulsarClient client, String output, int records, int keys) throws Exception {
        Map<String, Long> counts = latest(client, output + "-count", Schema.INT64, keys);
        assertEquals(keys, counts.size());
        for (int k = 0; k < keys; k++) {
            assertEquals(records / keys, counts.get("key-" + k), "count of key-" + k);
        }
    }

    @Test
    void countsReducesAndAggregatesAreExactOverAHundredThousandRecords(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("agg-in");
        String output = unique("agg-out");
        createTopic(pulsar, input);
        int keys = 10_000;
        int records = 100_000;
        try (PulsarClient client = pulsar.newClient()) {
            produce(client, input, 0, records, keys);
            long began = System.nanoTime();
            try (JobRunner job = new JobRunner(aggregations(input, output), stateful(pulsar, unique("agg"))).start()) {
                awaitProcessed(job, records);
                System.out.printf("stateful: %d records over %d keys in %d ms%n", records, keys,
                        (System.nanoTime() - began) / 1_000_000);
            }
            assertCounts(client, output, records, keys);
            Map<String, Long> sums = latest(client, output + "-sum", Schema.INT64, keys);
            Map<String, String> ranges = latest(client, output + "-range", Schema.STRING, keys);
            for (int k = 0; k < keys; k++) {
                long expectedSum = 0;
                for (int i = k; i < records; i += keys) {
                    expectedSum += i;
                }
                assertEquals(expectedSum, sums.get("key-" + k), "sum of key-" + k);
                assertEquals(k + ":" + (records - keys + k), ranges.get("key-" + k), "range of key-" + k);
            }
        }
    }

    @Test
    void aCleanRestartContinuesFromTheCheckpointAndRestoresOnlyTheTail(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("ckpt-in");
        String output = unique("ckpt-out");
        String app = unique("ckpt");
        createTopic(pulsar, input);
        int keys = 500;
        try (PulsarClient client = pulsar.newClient()) {
            produce(client, input, 0, 5_000, keys);
            try (JobRunner first = new JobRunner(aggregations(input, output), stateful(pulsar, app)).start()) {
                awaitProcessed(first, 5_000);
                assertEquals(0, first.restoredRecords(), "a new job has nothing to restore");
            }
            produce(client, input, 5_000, 10_000, keys);
            try (JobRunner second = new JobRunner(aggregations(input, output), stateful(pulsar, app)).start()) {
                assertTrue(second.awaitKeyGroupsReady(Duration.ofSeconds(60)));
                assertEquals(0, second.restoredRecords(), "the checkpoint covers the whole changelog");
                awaitProcessed(second, 5_000);
            }
            assertCounts(client, output, 10_000, keys);

            // A job stopped without its final checkpoint replays exactly what was logged after the last one.
            produce(client, input, 10_000, 15_000, keys);
            JobRunner crashed = new JobRunner(aggregations(input, output), stateful(pulsar, app)
                    .with(RuntimeOptions.CHECKPOINT_INTERVAL, Duration.ofHours(1))).start();
            awaitProcessed(crashed, 5_000);
            await("committed", Duration.ofSeconds(30), () -> CommitIT.backlogOf(pulsar, input, app) == 0);
            crashed.abort();
            try (JobRunner third = new JobRunner(aggregations(input, output), stateful(pulsar, app)).start()) {
                assertTrue(third.awaitKeyGroupsReady(Duration.ofSeconds(60)));
                long tail = third.restoredRecords();
                System.out.printf("restored changelog tail: %d records%n", tail);
                assertTrue(tail > 0 && tail <= 3 * 5_000, "only the tail after the checkpoint: " + tail);
            }
            assertCounts(client, output, 15_000, keys);
        }
    }

    /**
     * One key group's changelog is a hundred times the others'. After a start on empty local state,
     * every other key group processes new records while that one is still restoring, and its own
     * records wait for its restore and then count from the restored state.
     */
    @Test
    void eachKeyGroupProcessesOnceItsOwnRestoreEndsWhileALargeOneStillRestores(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("ready-in");
        String output = unique("ready-out");
        String app = unique("ready");
        createTopic(pulsar, input);
        int small = 3_000;
        int large = 100 * small;
        var keyGroups = new dev.tributary.runtime.internal.keygroup.KeyGroups(16);
        int largeGroup = keyGroups.ofKey("k0");
        Map<Integer, java.util.List<String>> keysByGroup = new HashMap<>();
        for (int i = 0; keysByGroup.values().stream().mapToInt(java.util.List::size).sum() < large + 15 * small; i++) {
            String key = "k" + i;
            int group = keyGroups.ofKey(key);
            java.util.List<String> keys = keysByGroup.computeIfAbsent(group, g -> new java.util.ArrayList<>());
            if (keys.size() < (group == largeGroup ? large : small)) {
                keys.add(key);
            }
        }
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.INT64).groupByKey().count(Materialized.as("counts")).toStream()
                .to(output, batched(Schema.STRING, Schema.INT64));
        Topology topology = builder.build();
        long logged = 0;
        try (PulsarClient client = pulsar.newClient()) {
            try (Producer<Long> producer = client.newProducer(Schema.INT64).topic(input).blockIfQueueFull(true)
                    .batcherBuilder(org.apache.pulsar.client.api.BatcherBuilder.KEY_BASED).create()) {
                Sends sends = new Sends();
                for (java.util.List<String> keys : keysByGroup.values()) {
                    for (String key : keys) {
                        sends.add(producer.newMessage().key(key).value(1L).sendAsync());
                        logged++;
                    }
                }
                producer.flush();
                sends.awaitAll(Duration.ofSeconds(120));
            }
            try (JobRunner first = new JobRunner(topology, stateful(pulsar, app)).start()) {
                awaitProcessed(first, logged);
            }
            deleteRecursively(stateRoot.resolve(app));

            try (Consumer<Long> reader = client.newConsumer(Schema.INT64).topic(output).subscriptionName(unique("r"))
                         .subscriptionInitialPosition(SubscriptionInitialPosition.Latest).subscribe();
                 Producer<Long> producer = client.newProducer(Schema.INT64).topic(input).enableBatching(false)
                         .create();
                 JobRunner second = new JobRunner(topology, stateful(pulsar, app)
                         .with(RuntimeOptions.HTTP_ENABLED, true).with(RuntimeOptions.HTTP_PORT, 0)).start()) {
                Map<String, Long> probes = new HashMap<>();
                keysByGroup.forEach((group, keys) -> probes.put(keys.get(0), 2L));
                for (String key : probes.keySet()) {
                    producer.newMessage().key(key).value(1L).send();
                }
                String largeKey = keysByGroup.get(largeGroup).get(0);
                Map<String, Long> seen = new HashMap<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                int pendingWhenOthersDone = -1;
                long restoredWhenOthersDone = -1;
                String readyWhenOthersDone = null;
                String largeRowWhenOthersDone = null;
                while (seen.size() < probes.size() && System.nanoTime() < deadline) {
                    Message<Long> message = reader.receive(100, TimeUnit.MILLISECONDS);
                    if (message != null) {
                        seen.put(message.getKey(), message.getValue());
                        if (pendingWhenOthersDone < 0 && seen.size() == probes.size() - 1 && !seen.containsKey(largeKey)) {
                            pendingWhenOthersDone = second.pendingKeyGroups();
                            restoredWhenOthersDone = second.restoredRecords();
                            readyWhenOthersDone = httpGet(second.httpPort(), "/health/ready");
                            var groups = new com.fasterxml.jackson.databind.ObjectMapper()
                                    .readTree(httpGet(second.httpPort(), "/api/keygroups")).get("groups");
                            largeRowWhenOthersDone = groups.get(largeGroup).toString();
                        }
                    }
                }
                System.out.printf("other key groups done with %d key group(s) pending and %,d of %,d changelog records"
                        + " restored%n", pendingWhenOthersDone, restoredWhenOthersDone, logged);
                assertEquals(probes, seen, "every probe counted once on top of its restored count");
                assertEquals(1, pendingWhenOthersDone, "the large key group was still restoring when the others"
                        + " had processed their records");
                assertTrue(restoredWhenOthersDone < logged, "restored " + restoredWhenOthersDone + " of " + logged);
                System.out.println("readiness then: " + readyWhenOthersDone + "; the large key group: "
                        + largeRowWhenOthersDone);
                assertTrue(readyWhenOthersDone.contains("restoring 1 key group"), readyWhenOthersDone);
                assertTrue(largeRowWhenOthersDone.contains("\"state\":\"restoring\"")
                        && largeRowWhenOthersDone.contains("\"restoredRecords\":"), largeRowWhenOthersDone);
                assertTrue(second.awaitKeyGroupsReady(Duration.ofSeconds(60)));
                assertEquals(logged, second.restoredRecords());
            }
        }
    }

    private static String httpGet(int port, String path) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void deletingTheStateDirectoryForcesAFullRestoreWithExactCounts(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("wipe-in");
        String output = unique("wipe-out");
        String app = unique("wipe");
        createTopic(pulsar, input);
        int keys = 300;
        try (PulsarClient client = pulsar.newClient()) {
            produce(client, input, 0, 3_000, keys);
            try (JobRunner first = new JobRunner(aggregations(input, output), stateful(pulsar, app)).start()) {
                awaitProcessed(first, 3_000);
            }
            deleteRecursively(stateRoot.resolve(app));
            produce(client, input, 3_000, 6_000, keys);
            try (JobRunner second = new JobRunner(aggregations(input, output), stateful(pulsar, app)).start()) {
                assertTrue(second.awaitKeyGroupsReady(Duration.ofSeconds(60)));
                assertTrue(second.restoredRecords() >= 3 * keys, "full restore: " + second.restoredRecords());
                awaitProcessed(second, 3_000);
            }
            assertCounts(client, output, 6_000, keys);
        }
    }

    @Test
    void aCorruptCheckpointCausesAWipeAndFullRestoreNotWrongCounts(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("corrupt-in");
        String output = unique("corrupt-out");
        String app = unique("corrupt");
        createTopic(pulsar, input);
        int keys = 200;
        try (PulsarClient client = pulsar.newClient()) {
            produce(client, input, 0, 2_000, keys);
            try (JobRunner first = new JobRunner(aggregations(input, output), stateful(pulsar, app)).start()) {
                awaitProcessed(first, 2_000);
            }
            Path checkpoint = stateRoot.resolve(app).resolve("counts").resolve("checkpoint");
            assertTrue(Files.exists(checkpoint));
            Files.writeString(checkpoint, "tributary-checkpoint 1\n0 AAAA\ncrc 12345\n");
            produce(client, input, 2_000, 4_000, keys);
            try (JobRunner second = new JobRunner(aggregations(input, output), stateful(pulsar, app)).start()) {
                assertTrue(second.awaitKeyGroupsReady(Duration.ofSeconds(60)));
                assertTrue(second.restoredRecords() >= keys, "the counts store was rebuilt: " + second.restoredRecords());
                awaitProcessed(second, 2_000);
            }
            assertCounts(client, output, 4_000, keys);
        }
    }

    @Test
    void groupByANewKeyGoesThroughTheRepartitionTopic(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("words-in");
        String output = unique("words-out");
        String app = unique("words");
        createTopic(pulsar, input);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .groupBy((line, word) -> word, Grouped.with(Schema.STRING, Schema.STRING).withName("by-word"))
                .count(Materialized.as("word-counts"))
                .toStream().to(output, batched(Schema.STRING, Schema.INT64));
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input)
                     .blockIfQueueFull(true).create()) {
            Sends sends = new Sends();
            for (int i = 0; i < 20_000; i++) {
                sends.add(producer.newMessage().key("line-" + i).value("w" + (i % 400)).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
            try (JobRunner job = new JobRunner(builder.build(), stateful(pulsar, app)).start()) {
                awaitProcessed(job, 40_000); // each record is processed twice: from the input and from the repartition topic
            }
            Map<String, Long> counts = latest(client, output, Schema.INT64, 400);
            assertEquals(400, counts.size());
            counts.values().forEach(count -> assertEquals(50L, count));
            assertTrue(pulsar.admin().topics().getList("public/default")
                    .contains("persistent://public/default/" + app + "-by-word-repartition"));
        }
    }

    @Test
    void replayReprocessesInputOnceAndLeavesInternalTopicsAlone(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("replay-words-in");
        String output = unique("replay-words-out");
        String app = unique("replay-words");
        createTopic(pulsar, input);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .groupBy((line, word) -> word, Grouped.with(Schema.STRING, Schema.STRING))
                .count(Materialized.as("counts"))
                .toStream().to(output, batched(Schema.STRING, Schema.INT64));
        Topology topology = builder.build();
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input)
                     .blockIfQueueFull(true).enableBatching(false).create()) {
            for (int i = 0; i < 100; i++) {
                producer.newMessage().key("a" + i).value("w" + (i % 10)).send();
            }
            java.time.Instant mark = java.time.Instant.ofEpochMilli(System.currentTimeMillis() + 1);
            while (System.currentTimeMillis() <= mark.toEpochMilli()) {
                Thread.onSpinWait();
            }
            for (int i = 0; i < 100; i++) {
                producer.newMessage().key("b" + i).value("w" + (i % 10)).send();
            }
            try (JobRunner first = new JobRunner(topology, stateful(pulsar, app)).start()) {
                awaitProcessed(first, 400);
            }
            try (JobRunner replay = new JobRunner(topology, stateful(pulsar, app).with(RuntimeOptions.REPLAY_FROM, mark))
                    .start()) {
                awaitProcessed(replay, 200); // the 100 replayed inputs, and their 100 repartitioned records
                await("committed", Duration.ofSeconds(30), () -> CommitIT.backlogOf(pulsar, input, app) == 0);
            }
            Map<String, Long> counts = latest(client, output, Schema.INT64, 10);
            // 20 records per word, of which the 10 published after the mark are counted once more.
            counts.values().forEach(count -> assertEquals(30L, count));
        }
    }

    @Test
    void aSecondProcessOnTheSameStateDirectoryFailsAtStart(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("lock-in");
        String app = unique("lock");
        createTopic(pulsar, input);
        try (JobRunner first = new JobRunner(aggregations(input, unique("lock-out")), stateful(pulsar, app)).start()) {
            StateException error = assertThrows(StateException.class,
                    () -> new JobRunner(aggregations(input, unique("lock-out")), stateful(pulsar, app)).start());
            assertTrue(error.getMessage().contains("is in use by another process"), error.getMessage());
            assertEquals(JobState.RUNNING, first.state());
        }
    }

    private static void deleteRecursively(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
