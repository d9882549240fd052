package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.JoinWindows;
import dev.tributary.dsl.Stream;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.ValueJoiner;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windowed stream-stream joins on the broker: a left stream on four partitions and a right stream on
 * one, out of order inside the grace, joined inner, left and outer in one job and compared with what
 * the joins give by their definition; then records far behind stream time, which are late.
 */
@ExtendWith(PulsarExtension.class)
class StreamJoinsIT {
    private static final long BASE = 1_700_000_000_000L;
    private static final long BEFORE = 3_000;
    private static final long AFTER = 7_000;
    private static final long GRACE = 5_000;
    private static final int KEYS = 300;
    private static final ValueJoiner<String, String, String> JOINER = (l, r) -> l + "+" + r;

    @TempDir
    Path stateRoot;

    private record Event(boolean left, String key, String value, long time) {
    }

    /** By the definition: every pair within the window, then each record that met nothing, where the kind keeps it. */
    private static List<String> reference(List<Event> events, String kind) {
        Map<String, List<Event>> rightByKey = new HashMap<>();
        for (Event e : events) {
            if (!e.left) {
                rightByKey.computeIfAbsent(e.key, k -> new ArrayList<>()).add(e);
            }
        }
        List<String> expected = new ArrayList<>();
        Set<Event> matched = new HashSet<>();
        for (Event l : events) {
            if (!l.left) {
                continue;
            }
            for (Event r : rightByKey.getOrDefault(l.key, List.of())) {
                if (r.time >= l.time - BEFORE && r.time <= l.time + AFTER) {
                    expected.add(l.key + " " + l.value + "+" + r.value + " @" + Math.max(l.time, r.time));
                    matched.add(l);
                    matched.add(r);
                }
            }
        }
        for (Event e : events) {
            if (!matched.contains(e) && (kind.equals("outer") || kind.equals("left") && e.left)) {
                expected.add(e.key + " " + (e.left ? e.value + "+null" : "null+" + e.value) + " @" + e.time);
            }
        }
        expected.sort(null);
        return expected;
    }

    private static void publish(PulsarClient client, String topic, List<Event> events) throws Exception {
        // Unbatched: each message is routed by its own key, and each partition keeps the list's order.
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).enableBatching(false)
                .blockIfQueueFull(true).maxPendingMessages(2_000).create()) {
            Sends sends = new Sends();
            for (Event e : events) {
                sends.add(producer.newMessage().key(e.key).value(e.value).eventTime(e.time).sendAsync());
            }
            sends.awaitAll(Duration.ofSeconds(120));
        }
    }

    private static List<String> lines(List<Message<String>> messages) {
        List<String> lines = new ArrayList<>();
        for (Message<String> message : messages) {
            lines.add(message.getKey() + " " + message.getValue() + " @" + message.getEventTime());
        }
        lines.sort(null);
        return lines;
    }

    private static double lateCount(JobRunner job) {
        return job.meterRegistry().find(TaskMetrics.LATE_RECORDS).counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void innerLeftAndOuterJoinsMatchTheirDefinitionAcrossPartitionCountsAndLateRecordsAreRouted(EmbeddedPulsar pulsar)
            throws Exception {
        String leftTopic = unique("ss-left");
        String rightTopic = unique("ss-right");
        String output = unique("ss-out");
        String app = unique("ss");
        pulsar.admin().topics().createPartitionedTopic(leftTopic, 4);
        pulsar.admin().topics().createNonPartitionedTopic(rightTopic);
        Random random = new Random(17);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            // In time order 10 ms apart, each moved back by up to 2 s: inside the 5 s grace.
            long time = BASE + i * 10L - random.nextInt(2_000);
            events.add(new Event(random.nextBoolean(), "k" + random.nextInt(KEYS), "v" + i, time));
        }
        long lastTime = BASE + 30_000 * 10L;
        StreamBuilder builder = new StreamBuilder();
        Stream<String, String> left = builder.stream(leftTopic, Schema.STRING);
        Stream<String, String> right = builder.stream(rightTopic, Schema.STRING);
        JoinWindows windows = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(BEFORE), Duration.ofMillis(GRACE))
                .after(Duration.ofMillis(AFTER));
        left.join(right, JOINER, windows).to(output + "-inner", Schema.STRING);
        left.leftJoin(right, JOINER, windows).to(output + "-left", Schema.STRING);
        left.outerJoin(right, JOINER, windows).to(output + "-outer", Schema.STRING);
        Configuration settings = config(pulsar, app).with(RuntimeOptions.STATE_DIR, stateRoot.toString())
                .with(RuntimeOptions.KEY_GROUPS, 16).with("input.partition.max-wait", "1s");
        try (PulsarClient client = pulsar.newClient()) {
            // A backlog, read in time order across the five partitions.
            publish(client, leftTopic, events.stream().filter(Event::left).toList());
            publish(client, rightTopic, events.stream().filter(e -> !e.left).toList());
            try (JobRunner job = new JobRunner(builder.build(), settings).start()) {
                await("every record processed", Duration.ofSeconds(180), () -> job.processedRecords() >= events.size());
                assertEquals(0.0, lateCount(job), "no record inside the grace is late");
                // A record far later on each key closes every window; it meets nothing and stays open.
                List<Event> ends = new ArrayList<>();
                for (int k = 0; k < KEYS; k++) {
                    ends.add(new Event(true, "k" + k, "end", lastTime + 1_000_000));
                }
                publish(client, leftTopic, ends);
                // Then records far behind stream time, on both sides: late.
                List<Event> late = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    late.add(new Event(i % 2 == 0, "k" + random.nextInt(KEYS), "late" + i, BASE + i));
                }
                publish(client, leftTopic, late.stream().filter(Event::left).toList());
                publish(client, rightTopic, late.stream().filter(e -> !e.left).toList());
                long total = events.size() + ends.size() + late.size();
                await("the closing and late records processed", Duration.ofSeconds(60),
                        () -> job.processedRecords() >= total && lateCount(job) >= late.size());
                assertEquals(late.size(), lateCount(job), "exactly the records far behind are late");
            }
            for (String kind : List.of("inner", "left", "outer")) {
                List<String> expected = reference(events, kind);
                List<String> actual = lines(readAll(client, output + "-" + kind, Schema.STRING, expected.size(),
                        Duration.ofSeconds(60)));
                assertEquals(expected.size(), actual.size(), kind + " join: result count");
                assertEquals(expected, actual, kind + " join");
            }
            Set<String> routed = new HashSet<>();
            for (String topic : List.of(leftTopic, rightTopic)) {
                for (Message<String> message : readAll(client, topic + "-" + app + "-late", Schema.STRING, 1,
                        Duration.ofSeconds(30))) {
                    routed.add(message.getValue());
                }
            }
            assertEquals(50, routed.size(), "every late record in its source's late topic: " + routed);
            assertTrue(routed.stream().allMatch(v -> v.startsWith("late")), routed.toString());
        }
    }
}
