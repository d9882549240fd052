package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Named;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries that hold back only the failing key, dead-letter topics, and the error policies. */
@ExtendWith(PulsarExtension.class)
class FaultHandlingIT {

    /** A keyed event; {@code poison} makes user code throw on it, every time. */
    public static final class Event {
        public int seq;
        public boolean poison;

        public Event() {
        }

        Event(int seq, boolean poison) {
            this.seq = seq;
            this.poison = poison;
        }
    }

    private static final Schema<Event> EVENTS = Schema.JSON(Event.class);

    private static Configuration fastRetries(EmbeddedPulsar pulsar, String app) {
        return config(pulsar, app)
                .with(RuntimeOptions.RETRY_INITIAL_DELAY, Duration.ofMillis(20))
                .with(RuntimeOptions.RETRY_MAX_DELAY, Duration.ofMillis(200));
    }

    private static byte[] json(Event event) {
        return EVENTS.encode(event);
    }

    private static double count(MeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static Map<String, List<Integer>> seqsByKey(List<Message<String>> messages) {
        Map<String, List<Integer>> byKey = new HashMap<>();
        for (Message<String> m : messages) {
            byKey.computeIfAbsent(m.getKey(), k -> new ArrayList<>()).add(Integer.parseInt(m.getValue()));
        }
        return byKey;
    }

    @Test
    void poisonPillsGoToTheDeadLetterTopicExactlyWhileEveryOtherRecordIsExactAndInOrder(EmbeddedPulsar pulsar)
            throws Exception {
        String input = unique("poison-in");
        String echo = unique("poison-echo");
        String counts = unique("poison-counts");
        String app = unique("poison");
        createTopic(pulsar, input);
        String inputTopic = "persistent://public/default/" + input;
        pulsar.admin().schemas().createSchema(inputTopic, EVENTS.getSchemaInfo());

        StreamBuilder builder = new StreamBuilder();
        var checked = builder.stream(input, dev.tributary.dsl.Consumed.with(EVENTS))
                .mapValues(e -> {
                    if (e.poison) {
                        throw new IllegalStateException("poison seq " + e.seq);
                    }
                    return e;
                }, Named.as("check"))
                .withValueSchema(EVENTS);
        checked.mapValues(e -> Integer.toString(e.seq))
                .to(echo, Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.KEY_GROUP));
        checked.groupByKey().count()
                .toStream().to(counts, Produced.with(Schema.STRING, Schema.INT64).withBatching(ProducerBatching.KEY_GROUP));
        Topology topology = builder.build();

        int records = 20_000;
        int keys = 200;
        Random random = new Random(42);
        Set<String> undecodable = new HashSet<>();
        Set<String> throwing = new HashSet<>();
        Map<String, List<Integer>> expected = new HashMap<>();
        try (PulsarClient client = pulsar.newClient();
             Producer<byte[]> producer = client.newProducer(Schema.BYTES).topic(input)
                     .blockIfQueueFull(true).enableBatching(false).create()) {
            List<java.util.concurrent.CompletableFuture<MessageId>> sends = new ArrayList<>();
            List<Integer> kinds = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                String key = "k" + (i % keys);
                int seq = i / keys;
                int draw = random.nextInt(1000);
                int kind = draw < 10 ? 1 : draw == 10 ? 2 : 0;
                byte[] value = kind == 1 ? ("{not json " + i).getBytes(StandardCharsets.UTF_8) : json(new Event(seq, kind == 2));
                sends.add(producer.newMessage().key(key).value(value).sendAsync());
                kinds.add(kind);
                if (kind == 0) {
                    expected.computeIfAbsent(key, k -> new ArrayList<>()).add(seq);
                }
            }
            producer.flush();
            for (int i = 0; i < records; i++) {
                String id = sends.get(i).get().toString();
                if (kinds.get(i) == 1) {
                    undecodable.add(id);
                } else if (kinds.get(i) == 2) {
                    throwing.add(id);
                }
            }
            assertTrue(undecodable.size() > 100 && throwing.size() > 5, "the injection produced poison");

            try (JobRunner job = new JobRunner(topology, fastRetries(pulsar, app)).start()) {
                int good = records - undecodable.size() - throwing.size();
                Map<String, List<Integer>> actual = seqsByKey(readAll(client, echo, Schema.STRING, good,
                        Duration.ofSeconds(90)));
                assertSameOutputs(expected, actual);

                String dlq = inputTopic + "-" + app + "-DLQ";
                List<Message<byte[]>> dead = readAll(client, dlq, Schema.BYTES,
                        undecodable.size() + throwing.size(), Duration.ofSeconds(30));
                Set<String> deadUndecodable = new HashSet<>();
                Set<String> deadThrowing = new HashSet<>();
                for (Message<byte[]> m : dead) {
                    String id = m.getProperty(DeadLetterProperties.SOURCE_MESSAGE_ID);
                    assertEquals(inputTopic, m.getProperty(DeadLetterProperties.SOURCE_TOPIC));
                    assertEquals(app, m.getProperty(DeadLetterProperties.APPLICATION_ID));
                    assertTrue(m.getProperty(DeadLetterProperties.STACK_TRACE).length() <= 4000);
                    assertTrue(m.getKey().startsWith("k"), "the original key is kept");
                    if ("undecodable".equals(m.getProperty(DeadLetterProperties.KIND))) {
                        deadUndecodable.add(id);
                        assertEquals("1", m.getProperty(DeadLetterProperties.ATTEMPTS));
                        assertEquals(builder.build().sources().get(0).name(), m.getProperty(DeadLetterProperties.NODE));
                        assertTrue(new String(m.getData(), StandardCharsets.UTF_8).startsWith("{not json"),
                                "the original bytes are kept");
                    } else {
                        deadThrowing.add(id);
                        assertEquals("processing", m.getProperty(DeadLetterProperties.KIND));
                        assertEquals("3", m.getProperty(DeadLetterProperties.ATTEMPTS));
                        assertEquals("check", m.getProperty(DeadLetterProperties.NODE));
                        assertEquals(IllegalStateException.class.getName(),
                                m.getProperty(DeadLetterProperties.EXCEPTION_CLASS));
                        assertTrue(m.getProperty(DeadLetterProperties.EXCEPTION_MESSAGE).contains("poison seq"));
                    }
                }
                assertEquals(undecodable, deadUndecodable, "dead-lettered undecodable ids");
                assertEquals(throwing, deadThrowing, "dead-lettered throwing ids");
                assertEquals(undecodable.size() + throwing.size(), dead.size(), "no duplicates in the dead-letter topic");

                // Final counts: the newest count per key equals its good records.
                Map<String, Long> lastCount = new HashMap<>();
                await("final counts", Duration.ofSeconds(30), () -> {
                    try {
                        lastCount.clear();
                        for (Message<Long> m : readAll(client, counts, Schema.INT64, 0, Duration.ofMillis(1))) {
                            lastCount.put(m.getKey(), m.getValue());
                        }
                    } catch (Exception e) {
                        return false;
                    }
                    return expected.entrySet().stream().allMatch(
                            e -> Long.valueOf(e.getValue().size()).equals(lastCount.get(e.getKey())));
                });
                await("backlog 0", Duration.ofSeconds(20), () -> backlogQuietly(pulsar, inputTopic, app) == 0);
                assertEquals(JobState.RUNNING, job.state(), "the job never stops");
                MeterRegistry metrics = job.meterRegistry();
                assertEquals(undecodable.size() + throwing.size(), count(metrics, TaskMetrics.DEAD_LETTERED));
                assertEquals(throwing.size() * 2.0, count(metrics, TaskMetrics.RETRIED));
            }
        }
    }

    static long backlogQuietly(EmbeddedPulsar pulsar, String topic, String subscription) {
        try {
            return backlog(pulsar, topic, subscription);
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aSlowKeyWaitsAloneWhileEveryOtherKeyCompletes(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("slow-in");
        String output = unique("slow-out");
        String app = unique("slow");
        createTopic(pulsar, input);
        AtomicInteger failuresLeft = new AtomicInteger(3);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .mapValuesWithKey((k, v) -> {
                    if (k.equals("slow") && failuresLeft.getAndDecrement() > 0) {
                        throw new IllegalStateException("downstream service unavailable");
                    }
                    return v;
                }, Named.as("call"))
                .to(output, Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.KEY_GROUP));
        Configuration config = config(pulsar, app)
                .with(RuntimeOptions.RETRY_ATTEMPTS, 5)
                .with(RuntimeOptions.RETRY_INITIAL_DELAY, Duration.ofMillis(500));

        int others = 5_000;
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true).create();
             Consumer<String> reader = client.newConsumer(Schema.STRING).topic(output).subscriptionName("check")
                     .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
            Sends sends = new Sends();
            for (int i = 0; i < 5; i++) {
                sends.add(producer.newMessage().key("slow").value("s" + i).sendAsync());
            }
            for (int i = 0; i < others; i++) {
                sends.add(producer.newMessage().key("k" + (i % 100)).value(Integer.toString(i)).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
            try (JobRunner job = new JobRunner(builder.build(), config).start()) {
                long began = System.nanoTime();
                List<String> arrival = new ArrayList<>();
                double maxHeld = 0;
                long othersDoneNanos = 0;
                while (arrival.size() < others + 5 && System.nanoTime() - began < TimeUnit.SECONDS.toNanos(60)) {
                    Message<String> m = reader.receive(100, TimeUnit.MILLISECONDS);
                    var held = job.meterRegistry().find(TaskMetrics.HELD).gauge();
                    maxHeld = Math.max(maxHeld, held == null ? 0 : held.value());
                    if (m != null) {
                        arrival.add(m.getKey() + "=" + m.getValue());
                        if (arrival.size() == others) {
                            othersDoneNanos = System.nanoTime() - began;
                        }
                    }
                }
                int firstSlow = arrival.indexOf("slow=s0");
                assertEquals(others, firstSlow, "every other key's records came out before the slow key's first");
                assertEquals(List.of("slow=s0", "slow=s1", "slow=s2", "slow=s3", "slow=s4"),
                        arrival.subList(others, arrival.size()), "the slow key's records keep their order");
                // Retries wait 0.5 + 1 + 2 s; the other keys must have finished well within the first wait.
                assertTrue(othersDoneNanos < TimeUnit.MILLISECONDS.toNanos(3500),
                        "other keys finished after " + othersDoneNanos / 1_000_000 + " ms");
                assertTrue(maxHeld >= 5, "the slow key's records were held (max " + maxHeld + ")");
                assertEquals(3.0, count(job.meterRegistry(), TaskMetrics.RETRIED));
                assertEquals(0.0, count(job.meterRegistry(), TaskMetrics.DEAD_LETTERED));
            }
        }
    }

    @Test
    void pastTheHeldLimitInputPausesAndNothingIsDropped(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("held-in");
        String output = unique("held-out");
        String app = unique("held");
        createTopic(pulsar, input);
        AtomicInteger failuresLeft = new AtomicInteger(2);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .mapValuesWithKey((k, v) -> {
                    if (k.equals("hot") && v.equals("0") && failuresLeft.getAndDecrement() > 0) {
                        throw new IllegalStateException("not yet");
                    }
                    return v;
                })
                .to(output, Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.KEY_GROUP));
        Configuration config = config(pulsar, app)
                .with(RuntimeOptions.RETRY_INITIAL_DELAY, Duration.ofMillis(300))
                .with(RuntimeOptions.MAX_HELD_RECORDS, 20)
                .with(RuntimeOptions.RECEIVER_QUEUE_SIZE, 10);
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input)
                     .blockIfQueueFull(true).create()) {
            Sends sends = new Sends();
            for (int i = 0; i < 300; i++) {
                sends.add(producer.newMessage().key("hot").value(Integer.toString(i)).sendAsync());
                sends.add(producer.newMessage().key("cold-" + (i % 7)).value(Integer.toString(i)).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
            try (JobRunner job = new JobRunner(builder.build(), config).start()) {
                Map<String, List<Integer>> byKey = seqsByKey(readAll(client, output, Schema.STRING, 600,
                        Duration.ofSeconds(60)));
                List<Integer> expectedHot = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    expectedHot.add(i);
                }
                assertEquals(expectedHot, byKey.get("hot"), "the held key's records, all and in order");
                assertEquals(300, byKey.entrySet().stream().filter(e -> e.getKey().startsWith("cold"))
                        .mapToInt(e -> e.getValue().size()).sum());
                assertTrue(count(job.meterRegistry(), TaskMetrics.INPUT_PAUSES) >= 1, "input paused at the limit");
                await("backlog 0", Duration.ofSeconds(20),
                        () -> backlogQuietly(pulsar, "persistent://public/default/" + input, app) == 0);
            }
        }
    }

    @Test
    void skipPolicyCountsAndAcknowledgesAndFailPolicyStopsTheJobWithTheRecordUnacknowledged(EmbeddedPulsar pulsar)
            throws Exception {
        String input = unique("policy-in");
        String output = unique("policy-out");
        String app = unique("policy");
        createTopic(pulsar, input);
        String inputTopic = "persistent://public/default/" + input;
        AtomicBoolean broken = new AtomicBoolean(true);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .mapValues(v -> {
                    if (v.startsWith("bad") && broken.get()) {
                        throw new IllegalArgumentException("cannot handle " + v);
                    }
                    return v;
                }, Named.as("handle"))
                .to(output, Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.KEY_GROUP));
        Topology topology = builder.build();

        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input)
                     .blockIfQueueFull(true).create()) {
            // skip: counted, acknowledged, nothing in the dead-letter topic.
            for (int i = 0; i < 10; i++) {
                producer.newMessage().key("k" + i).value(i == 4 ? "bad-4" : "good-" + i).send();
            }
            try (JobRunner job = new JobRunner(topology, fastRetries(pulsar, app)
                    .with(RuntimeOptions.ERROR_POLICY, ErrorPolicy.SKIP)).start()) {
                assertEquals(9, readAll(client, output, Schema.STRING, 9, Duration.ofSeconds(30)).size());
                await("backlog 0", Duration.ofSeconds(20), () -> backlogQuietly(pulsar, inputTopic, app) == 0);
                assertEquals(1.0, count(job.meterRegistry(), TaskMetrics.SKIPPED));
                assertEquals(JobState.RUNNING, job.state());
            }
            assertFalse(pulsar.admin().topics().getList("public/default").contains(inputTopic + "-" + app + "-DLQ"),
                    "skip writes no dead letter");

            // fail, set for the node only: the job stops naming the node and the message.
            MessageId bad = producer.newMessage().key("k-bad").value("bad-again").send();
            JobRunner failing = new JobRunner(topology, fastRetries(pulsar, app)
                    .with(RuntimeOptions.ERROR_POLICY_NODES, "handle=fail")).start();
            assertTrue(failing.awaitTermination(Duration.ofSeconds(30)), "the job stops on its own");
            assertEquals(JobState.FAILED, failing.state());
            String reason = failing.failure().orElseThrow().getMessage();
            assertTrue(reason.contains("node 'handle'") && reason.contains(bad.toString())
                    && reason.contains("after 3 attempt(s)") && reason.contains("policy of node 'handle' is fail"), reason);
            failing.close();
            assertEquals(1, backlog(pulsar, inputTopic, app), "the failed record is not acknowledged");

            // Fixed: a restarted job meets the record again and processes it.
            broken.set(false);
            try (JobRunner fixed = new JobRunner(topology, fastRetries(pulsar, app)).start()) {
                await("backlog 0", Duration.ofSeconds(20), () -> backlogQuietly(pulsar, inputTopic, app) == 0);
                assertTrue(readAll(client, output, Schema.STRING, 10, Duration.ofSeconds(20)).stream()
                        .anyMatch(m -> m.getValue().equals("bad-again")));
            }
        }
    }

    @Test
    void aPolicyForAnUnknownNodeIsRefusedWithASuggestion(EmbeddedPulsar pulsar) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("any", Schema.STRING).mapValues(v -> v, Named.as("enrich"))
                .to("out", Produced.with(Schema.STRING, Schema.STRING));
        ConfigException e = assertThrows(ConfigException.class, () -> new JobRunner(builder.build(),
                config(pulsar, "app").with(RuntimeOptions.ERROR_POLICY_NODES, "enrhc=skip")));
        assertTrue(e.getMessage().contains("no node named 'enrhc'") && e.getMessage().contains("did you mean 'enrich'"),
                e.getMessage());
        ConfigException policy = assertThrows(ConfigException.class, () -> new JobRunner(builder.build(),
                config(pulsar, "app").with(RuntimeOptions.ERROR_POLICY_NODES, "enrich=ignore")));
        assertTrue(policy.getMessage().contains("'ignore' for node 'enrich' is not a policy"), policy.getMessage());
    }

    @Test
    void aRecordWhoseDeadLetterWriteFailsStaysUnacknowledgedUntilTheWriteSucceeds(EmbeddedPulsar pulsar)
            throws Exception {
        String input = unique("dlqfail-in");
        String app = unique("dlqfail");
        createTopic(pulsar, input);
        String inputTopic = "persistent://public/default/" + input;
        String namespace = "public/" + unique("later");
        String deadLetterTopic = "persistent://" + namespace + "/dead";
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .foreach((k, v) -> {
                    if (v.equals("bad")) {
                        throw new IllegalStateException("always fails");
                    }
                });
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input)
                     .blockIfQueueFull(true).create()) {
            producer.newMessage().key("a").value("bad").send();
            producer.newMessage().key("b").value("good").send();
            try (JobRunner job = new JobRunner(builder.build(), fastRetries(pulsar, app)
                    .with(RuntimeOptions.RETRY_ATTEMPTS, 1)
                    .with(RuntimeOptions.DEAD_LETTER_TOPIC, deadLetterTopic)).start()) {
                await("dead-letter writes failing", Duration.ofSeconds(30),
                        () -> count(job.meterRegistry(), TaskMetrics.DEAD_LETTER_WRITE_FAILURES) >= 2);
                assertEquals(1, backlog(pulsar, inputTopic, app), "only the good record is acknowledged");
                assertEquals(JobState.RUNNING, job.state());

                pulsar.admin().namespaces().createNamespace(namespace);
                await("backlog 0", Duration.ofSeconds(30), () -> backlogQuietly(pulsar, inputTopic, app) == 0);
                List<Message<byte[]>> dead = readAll(client, deadLetterTopic, Schema.BYTES, 1, Duration.ofSeconds(10));
                assertEquals(1, dead.size());
                assertEquals("bad", new String(dead.get(0).getData(), StandardCharsets.UTF_8));
                assertEquals("a", dead.get(0).getKey());
            }
        }
    }

    @Test
    void deadLettersAreReplayedIntoTheJobOnceTheBugIsFixed(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("replay-in");
        String output = unique("replay-out");
        String app = unique("replay");
        createTopic(pulsar, input);
        String inputTopic = "persistent://public/default/" + input;
        AtomicBoolean broken = new AtomicBoolean(true);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .mapValues(v -> {
                    if (v.contains("edge") && broken.get()) {
                        throw new IllegalStateException("edge case not handled");
                    }
                    return v.toUpperCase();
                })
                .to(output, Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.KEY_GROUP));
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true).create();
             JobRunner job = new JobRunner(builder.build(), fastRetries(pulsar, app)).start()) {
            for (int i = 0; i < 50; i++) {
                producer.newMessage().key("k" + i).value(i % 10 == 0 ? "edge-" + i : "v-" + i)
                        .property("trace", "t" + i).eventTime(1_000_000L + i).send();
            }
            String dlq = inputTopic + "-" + app + "-DLQ";
            await("five dead letters", Duration.ofSeconds(30),
                    () -> count(job.meterRegistry(), TaskMetrics.DEAD_LETTERED) == 5);
            broken.set(false);
            DeadLetterReplay.Result result = DeadLetterReplay.replay(client, dlq, "replay", Set.of(), Duration.ofSeconds(1));
            assertEquals(new DeadLetterReplay.Result(5, 0, List.of()), result);

            List<Message<String>> out = readAll(client, output, Schema.STRING, 50, Duration.ofSeconds(30));
            assertEquals(50, out.size());
            for (Message<String> m : out) {
                int i = Integer.parseInt(m.getKey().substring(1));
                assertEquals("t" + i, m.getProperty("trace"), "properties survive the round trip");
                assertEquals(1_000_000L + i, m.getEventTime(), "event time survives the round trip");
                if (m.getValue().startsWith("EDGE")) {
                    assertTrue(m.hasProperty(DeadLetterProperties.REPLAYED_FROM));
                    assertFalse(m.getProperties().keySet().stream().anyMatch(p -> p.startsWith(DeadLetterProperties.PREFIX)));
                }
            }
            assertEquals(0, backlog(pulsar, dlq, "replay"), "replayed dead letters are acknowledged");
        }
    }
}
