package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.SessionWindows;
import dev.tributary.dsl.SlidingWindows;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.TimeWindows;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.state.Materialized;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.state.WindowKeys;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PulsarExtension.class)
class WindowsIT {
    private static final long BASE = 1_700_000_000_000L;

    @TempDir
    Path stateRoot;

    private record Event(String key, long time, String value) {
    }

    private record Window(String key, long start) {
    }

    private Configuration settings(EmbeddedPulsar pulsar, String app) {
        return config(pulsar, app).with(RuntimeOptions.STATE_DIR, stateRoot.toString())
                .with(RuntimeOptions.KEY_GROUPS, 16);
    }

    /** Publishes in the given order with the default batcher, which keeps each partition's order. */
    private static void publish(PulsarClient client, String topic, List<Event> events) throws Exception {
        publish(client, topic, events, false);
    }

    /**
     * With several instances, a batch must hold one key's (or one key group's) records: the broker routes a
     * batch by its first key, and records reaching the wrong instance are forwarded, later, so in a catch-up
     * they would be late (see docs/WINDOWS.md).
     */
    private static void publish(PulsarClient client, String topic, List<Event> events, boolean keyBased)
            throws Exception {
        var builder = client.newProducer(Schema.STRING).topic(topic).blockIfQueueFull(true)
                .batchingMaxPublishDelay(5, TimeUnit.MILLISECONDS);
        if (keyBased) {
            // A KEY_BASED batch container sends its keys' batches in no particular order: keep it small, so
            // that the reordering stays well inside the grace.
            builder.batcherBuilder(org.apache.pulsar.client.api.BatcherBuilder.KEY_BASED).batchingMaxMessages(100);
        }
        try (Producer<String> producer = builder.create()) {
            Sends sends = new Sends();
            for (Event event : events) {
                sends.add(producer.newMessage().key(event.key).value(event.value).eventTime(event.time).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
        }
    }

    /** Every message of a topic, read until none came for a while after at least {@code atLeast}. */
    /** Every message of a topic the stopped job wrote, up to its last one: no quiet time to wait for. */
    private static <T> List<Message<T>> drain(PulsarClient client, String topic, Schema<T> schema, int atLeast)
            throws Exception {
        return dev.tributary.testkit.pulsar.TestTopics.readAll(client, topic, schema, atLeast, Duration.ofSeconds(120));
    }

    private static Window windowOf(Message<?> message) {
        return new Window(message.getKey(), Long.parseLong(message.getProperty(Windowed.START_PROPERTY)));
    }

    private static Map<Window, Long> latest(List<Message<Long>> messages) {
        Map<Window, Long> latest = new HashMap<>();
        for (Message<Long> message : messages) {
            latest.put(windowOf(message), message.getValue());
        }
        return latest;
    }

    private static Map<Window, Long> reference(List<Event> events, long size, long advance) {
        Map<Window, Long> counts = new HashMap<>();
        for (Event event : events) {
            for (long start = event.time - event.time % advance; start > event.time - size; start -= advance) {
                counts.merge(new Window(event.key, start), 1L, Long::sum);
            }
        }
        return counts;
    }

    private static double lateCount(JobRunner job) {
        return job.meterRegistry().find(TaskMetrics.LATE_RECORDS).counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void aFourPartitionBacklogGivesExactWindowsAndNoLateRecords(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("win-in");
        String output = unique("win-out");
        String app = unique("win");
        pulsar.admin().topics().createPartitionedTopic(input, 4);
        int records = 100_000;
        int keys = 1_000;
        // In event-time order, 10 ms apart, each moved back by up to 2 s: inside the 5 s grace.
        Random random = new Random(7);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            events.add(new Event("k" + random.nextInt(keys), BASE + i * 10L - random.nextInt(2_000), "v" + i));
        }
        StreamBuilder builder = new StreamBuilder();
        var grouped = builder.stream(input, Schema.STRING).groupByKey();
        Duration grace = Duration.ofSeconds(5);
        grouped.windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), grace)).count(Materialized.as("tumbling"))
                .toStream().to(output + "-tumbling", Schema.INT64);
        grouped.windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), grace).advanceBy(Duration.ofSeconds(5)))
                .emit(EmitStrategy.onCommit()).count(Materialized.as("hopping"))
                .toStream().to(output + "-hopping", Schema.INT64);
        grouped.windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), grace)).emit(EmitStrategy.onWindowClose())
                .count(Materialized.as("final")).toStream().to(output + "-final", Schema.INT64);
        grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofSeconds(15), grace))
                .count(Materialized.as("sessions")).toStream().to(output + "-sessions", Schema.INT64);
        grouped.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(10), grace))
                .count(Materialized.as("sliding")).toStream().to(output + "-sliding", Schema.INT64);
        try (PulsarClient client = pulsar.newClient()) {
            publish(client, input, events);
            long began = System.nanoTime();
            try (JobRunner job = new JobRunner(builder.build(), settings(pulsar, app)).start()) {
                await("every record processed", Duration.ofSeconds(180), () -> job.processedRecords() >= records);
                System.out.printf("windows: %d records over 4 partitions through five windowed counts in %d ms%n",
                        records, (System.nanoTime() - began) / 1_000_000);
                assertEquals(0.0, lateCount(job), "no record in order per partition is late");
            }
            Map<Window, Long> tumbling = reference(events, 10_000, 10_000);
            assertEquals(tumbling, latest(drain(client, output + "-tumbling", Schema.INT64, records)));
            assertEquals(reference(events, 10_000, 5_000), latest(drain(client, output + "-hopping", Schema.INT64, 1)));
            List<Message<Long>> finals = drain(client, output + "-final", Schema.INT64, 1);
            Set<Window> once = new HashSet<>();
            for (Message<Long> message : finals) {
                Window window = windowOf(message);
                assertTrue(once.add(window), "emitted twice: " + window);
                assertEquals(tumbling.get(window), message.getValue(), "final count of " + window);
            }
            long lastTime = BASE + (records - 1) * 10L;
            long surelyClosed = tumbling.keySet().stream()
                    .filter(w -> w.start + 10_000 + grace.toMillis() <= lastTime - 30_000).count();
            long emittedThere = once.stream().filter(w -> w.start + 10_000 + grace.toMillis() <= lastTime - 30_000).count();
            assertEquals(surelyClosed, emittedThere, "every window closed well before the end is emitted");
            assertTrue(drain(client, input + "-" + app + "-late", Schema.STRING, 0).isEmpty());
            Map<Window, Long> sessions = new HashMap<>();
            for (Message<Long> message : drain(client, output + "-sessions", Schema.INT64, records)) {
                if (message.getValue() == null) {
                    sessions.remove(windowOf(message));
                } else {
                    sessions.put(windowOf(message), message.getValue());
                }
            }
            assertEquals(sessions(events, 15_000), sessions, "sessions exact");
            Map<Window, Long> sliding = new HashMap<>();
            for (Message<Long> message : drain(client, output + "-sliding", Schema.INT64, records)) {
                // By its end (included): sliding windows end at records or just past them.
                sliding.put(new Window(message.getKey(), Long.parseLong(message.getProperty(Windowed.END_PROPERTY)) - 1),
                        message.getValue());
            }
            assertEquals(slidingReference(events, 10_000), sliding, "sliding windows exact");
        }
    }

    /** For each record at t, [t - d, t], and [t + 1, t + d + 1] if a record falls in it: by end, with their counts. */
    private static Map<Window, Long> slidingReference(List<Event> events, long d) {
        Map<String, List<Long>> times = new HashMap<>();
        for (Event event : events) {
            times.computeIfAbsent(event.key, k -> new ArrayList<>()).add(event.time);
        }
        Map<Window, Long> windows = new HashMap<>();
        times.forEach((key, list) -> {
            list.sort(Long::compare);
            for (long t : list) {
                windows.put(new Window(key, t), list.stream().filter(u -> u >= t - d && u <= t).count());
                long right = list.stream().filter(u -> u > t && u <= t + d + 1).count();
                if (right > 0) {
                    windows.put(new Window(key, t + d + 1), right);
                }
            }
        });
        return windows;
    }

    /** Each key's sessions from its records sorted by time: a gap over {@code gap} starts a new one. */
    private static Map<Window, Long> sessions(List<Event> events, long gap) {
        Map<String, List<Long>> times = new HashMap<>();
        for (Event event : events) {
            times.computeIfAbsent(event.key, k -> new ArrayList<>()).add(event.time);
        }
        Map<Window, Long> sessions = new HashMap<>();
        times.forEach((key, list) -> {
            list.sort(Long::compare);
            long start = list.get(0);
            long last = start;
            long count = 0;
            for (long time : list) {
                if (time - last > gap) {
                    sessions.put(new Window(key, start), count);
                    start = time;
                    count = 0;
                }
                last = time;
                count++;
            }
            sessions.put(new Window(key, start), count);
        });
        return sessions;
    }

    private static Topology lateTopology(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(2)))
                .emit(EmitStrategy.onWindowClose()).count(Materialized.as("closing"))
                .toStream().to(output, Schema.INT64);
        return builder.build();
    }

    @Test
    void recordsOlderThanEndPlusGraceAreAllInTheLateTopicAndInNoWindow(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("late-in");
        String output = unique("late-out");
        String app = unique("late");
        createTopic(pulsar, input);
        int keys = 50;
        List<Event> events = new ArrayList<>();
        Set<String> lateValues = new HashSet<>();
        Map<String, Long> latestOfKey = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            String key = "k" + (i % keys);
            long time = BASE + i * 20L;
            events.add(new Event(key, time, "on-time-" + i));
            latestOfKey.put(key, time);
            if (i % 97 == 96) {
                // Behind its own key's latest record by more than size + grace: its window has closed.
                String value = "late-" + i;
                events.add(new Event(key, latestOfKey.get(key) - 10_000 - 2_000 - 1, value));
                lateValues.add(value);
            }
        }
        List<Event> onTime = events.stream().filter(e -> e.value.startsWith("on-time")).toList();
        try (PulsarClient client = pulsar.newClient()) {
            publish(client, input, events);
            try (JobRunner job = new JobRunner(lateTopology(input, output), settings(pulsar, app)).start()) {
                await("every record processed", Duration.ofSeconds(120), () -> job.processedRecords() >= events.size());
                assertEquals(lateValues.size(), lateCount(job), 0.0);
            }
            List<Message<String>> late = drain(client, input + "-" + app + "-late", Schema.STRING, lateValues.size());
            Set<String> got = new HashSet<>();
            for (Message<String> message : late) {
                got.add(message.getValue());
                assertEquals("window-count-1", message.getProperty(LateRecordProperties.NODE));
                long start = Long.parseLong(message.getProperty(LateRecordProperties.WINDOW_START));
                assertTrue(message.getEventTime() >= start && message.getEventTime() < start + 10_000);
                assertTrue(Long.parseLong(message.getProperty(LateRecordProperties.STREAM_TIME))
                        >= start + 10_000 + 2_000, "its window had closed");
            }
            assertEquals(lateValues, got, "exactly the late records, each once");
            Map<Window, Long> expected = reference(onTime, 10_000, 10_000);
            for (Message<Long> message : drain(client, output, Schema.INT64, 1)) {
                assertEquals(expected.get(windowOf(message)), message.getValue(), "late records count in no window");
            }
        }
    }

    @Test
    void streamTimeAndClosedWindowsSurviveARestoreAndExpiredWindowsLeaveTheChangelog(EmbeddedPulsar pulsar)
            throws Exception {
        String input = unique("restart-in");
        String output = unique("restart-out");
        String app = unique("restart");
        createTopic(pulsar, input);
        List<Event> first = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            first.add(new Event("k" + (i % 20), BASE + i * 50L, "a" + i));
        }
        try (PulsarClient client = pulsar.newClient()) {
            publish(client, input, first);
            try (JobRunner job = new JobRunner(lateTopology(input, output), settings(pulsar, app)).start()) {
                await("first part processed", Duration.ofSeconds(60), () -> job.processedRecords() >= first.size());
            }
            int emittedBefore = drain(client, output, Schema.INT64, 1).size();
            assertTrue(emittedBefore > 100, "closed windows were emitted: " + emittedBefore);
            // A new owner with no local state: what it knows of time comes from the changelog.
            deleteRecursively(stateRoot.resolve(app));
            List<Event> second = new ArrayList<>();
            // Late for k0, whose stream time reached BASE + 99,800 before the stop.
            second.add(new Event("k0", BASE + 1_000, "late-after-restore"));
            for (int i = 2_000; i < 3_000; i++) {
                second.add(new Event("k" + (i % 20), BASE + i * 50L, "b" + i));
            }
            publish(client, input, second);
            try (JobRunner job = new JobRunner(lateTopology(input, output), settings(pulsar, app)).start()) {
                assertTrue(job.awaitKeyGroupsReady(Duration.ofSeconds(60)));
                assertTrue(job.restoredRecords() > 0, "restored from the changelog");
                await("second part processed", Duration.ofSeconds(60), () -> job.processedRecords() >= second.size());
                assertEquals(1.0, lateCount(job), 0.0);
            }
            List<Message<Long>> all = drain(client, output, Schema.INT64, emittedBefore + 1);
            Set<Window> once = new HashSet<>();
            List<Event> every = new ArrayList<>(first);
            every.addAll(second.subList(1, second.size()));
            Map<Window, Long> expected = reference(every, 10_000, 10_000);
            for (Message<Long> message : all) {
                assertTrue(once.add(windowOf(message)), "never emitted again after the restart: " + windowOf(message));
                assertEquals(expected.get(windowOf(message)), message.getValue(), "count of " + windowOf(message));
            }
            assertTrue(all.size() > emittedBefore, "windows closed after the restart were emitted too");
            List<Message<String>> late = drain(client, input + "-" + app + "-late", Schema.STRING, 1);
            assertEquals(List.of("late-after-restore"), late.stream().map(Message::getValue).toList());

            // Retention is size + grace: every window that closed is gone from the compacted changelog.
            String changelog = "persistent://public/default/" + app + "-closing-changelog";
            long streamTime = BASE + 2_999 * 50L;
            long live = 0;
            long expiredLeft = 0;
            for (int partition = 0; partition < 16; partition++) {
                String topic = changelog + "-partition-" + partition;
                pulsar.admin().topics().triggerCompaction(topic);
                await("compaction of " + topic, Duration.ofSeconds(60), () -> compacted(pulsar, topic));
                try (Reader<byte[]> reader = client.newReader(Schema.BYTES).topic(topic).readCompacted(true)
                        .startMessageId(org.apache.pulsar.client.api.MessageId.earliest).create()) {
                    while (reader.hasMessageAvailable()) {
                        Message<byte[]> message = reader.readNext(10, TimeUnit.SECONDS);
                        if (message == null || message.getValue() == null || message.getValue().length == 0) {
                            continue;
                        }
                        byte[] key = message.getKeyBytes();
                        if (!WindowKeys.isEntry(key)) {
                            continue;
                        }
                        if (WindowKeys.startOf(key) + 12_000 <= streamTime - 2_000) {
                            expiredLeft++;
                        } else {
                            live++;
                        }
                    }
                }
            }
            assertEquals(0, expiredLeft, "expired windows are tombstoned in the changelog");
            assertTrue(live > 0, "open windows stay");
            deleteRecursively(stateRoot.resolve(app));
            try (JobRunner job = new JobRunner(lateTopology(input, output), settings(pulsar, app)).start()) {
                assertTrue(job.awaitKeyGroupsReady(Duration.ofSeconds(60)));
                System.out.printf("restore after expiry: %d records (%d live windows)%n", job.restoredRecords(), live);
                assertTrue(job.restoredRecords() <= live + 16 * 2, "a restore reads no expired window: "
                        + job.restoredRecords());
            }
        }
    }

    @Test
    void windowStateMovesWithItsKeyGroupsWhenASecondInstanceJoins(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("move-in");
        String output = unique("move-out");
        String app = unique("move");
        pulsar.admin().topics().createPartitionedTopic(input, 2);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5)))
                .count(Materialized.as("moving")).toStream().to(output, Schema.INT64);
        Topology topology = builder.build();
        List<Event> first = new ArrayList<>();
        List<Event> second = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            // The parts meet inside the window [50 s, 60 s): the moved key groups' counts there must continue.
            (i < 10_000 ? first : second).add(new Event("k" + (i % 500), BASE + 3_000 + i * 5L, "v" + i));
        }
        try (PulsarClient client = pulsar.newClient()) {
            publish(client, input, first);
            try (JobRunner one = new JobRunner(topology, settings(pulsar, app).with(RuntimeOptions.INSTANCE_ID, "one")
                    .with(RuntimeOptions.STATE_DIR, stateRoot.resolve("one").toString())).start()) {
                await("first part processed", Duration.ofSeconds(60), () -> one.processedRecords() >= first.size());
                try (JobRunner two = new JobRunner(topology, settings(pulsar, app)
                        .with(RuntimeOptions.INSTANCE_ID, "two")
                        .with(RuntimeOptions.STATE_DIR, stateRoot.resolve("two").toString())).start()) {
                    await("the key groups to split", Duration.ofSeconds(60),
                            () -> one.ownedKeyGroups() == 8 && two.ownedKeyGroups() == 8);
                    publish(client, input, second, true);
                    await("second part processed", Duration.ofSeconds(60),
                            () -> one.processedRecords() + two.processedRecords() >= first.size() + second.size());
                    assertTrue(two.processedRecords() > 0, "the second instance took part");
                    assertEquals(0.0, lateCount(one) + lateCount(two), "none late");
                }
            }
            List<Event> every = new ArrayList<>(first);
            every.addAll(second);
            assertEquals(reference(every, 10_000, 10_000),
                    latest(drain(client, output, Schema.INT64, every.size())), "windows keep counting exactly");
        }
    }

    private static boolean compacted(EmbeddedPulsar pulsar, String topic) {
        try {
            return pulsar.admin().topics().compactionStatus(topic).status
                    == org.apache.pulsar.client.admin.LongRunningProcessStatus.Status.SUCCESS;
        } catch (Exception e) {
            return false;
        }
    }

    private static void deleteRecursively(Path path) throws Exception {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
