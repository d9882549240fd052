package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Consumed;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.plan.AggregateNode;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.dsl.plan.SinkNode;
import dev.tributary.dsl.plan.SourceNode;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.SchemaDefinition;
import org.apache.pulsar.common.policies.data.SchemaCompatibilityStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bad-input catalogue: each kind of bad input is handled by the error policy (dead-letter here)
 * and the rest of the input flows.
 */
@ExtendWith(PulsarExtension.class)
class BadInputIT {

    public static final class Payment {
        public String user;
        public long amount;

        public Payment() {
        }

        Payment(String user, long amount) {
            this.user = user;
            this.amount = amount;
        }
    }

    /** A different record written to the same topic by a producer that got past the schema check. */
    public static final class Survey {
        public String question;

        public Survey() {
        }

        Survey(String question) {
            this.question = question;
        }
    }

    private static String nodeOf(Topology topology, Class<? extends PlanNode> type) {
        return topology.nodes().stream().filter(type::isInstance).map(PlanNode::name).findFirst().orElseThrow();
    }

    private static Map<String, Message<byte[]>> deadLetters(PulsarClient client, String topic, int expected)
            throws Exception {
        List<Message<byte[]>> dead = readAll(client, topic, Schema.BYTES, expected, Duration.ofSeconds(30));
        assertEquals(expected, dead.size(), "dead letters on " + topic);
        return dead.stream().collect(Collectors.toMap(m -> m.getKey() == null ? "<none>" : m.getKey(), Function.identity()));
    }

    private static void awaitDrained(EmbeddedPulsar pulsar, String topic, String app) throws InterruptedException {
        await("backlog 0 on " + topic, Duration.ofSeconds(30), () -> FaultHandlingIT.backlogQuietly(pulsar, topic, app) == 0);
    }

    @Test
    void keylessRecordsPassStatelessNodesAndAreDeadLetteredByAnAggregation(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("nokey-in");
        String copy = unique("nokey-copy");
        String counts = unique("nokey-counts");
        String app = unique("nokey");
        createTopic(pulsar, input);
        String inputTopic = "persistent://public/default/" + input;
        StreamBuilder builder = new StreamBuilder();
        var stream = builder.stream(input, Schema.STRING);
        stream.to(copy, Produced.with(Schema.STRING, Schema.STRING));
        stream.groupByKey().count().toStream().to(counts, Produced.with(Schema.STRING, Schema.INT64));
        Topology topology = builder.build();
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).create()) {
            producer.newMessage().value("keyless-1").send();
            producer.newMessage().key("a").value("keyed").send();
            producer.newMessage().value("keyless-2").send();
            try (JobRunner job = new JobRunner(topology, config(pulsar, app)).start()) {
                List<Message<String>> copied = readAll(client, copy, Schema.STRING, 3, Duration.ofSeconds(30));
                // Order holds per key (the keyless ones are one key); the keyed record's key group may still
                // have been restoring while the keyless ones, which belong to no key group, went ahead.
                assertEquals(List.of("keyless-1", "keyless-2"), copied.stream().filter(m -> !m.hasKey())
                        .map(Message::getValue).toList());
                assertEquals(List.of("keyed"), copied.stream().filter(Message::hasKey).map(Message::getValue).toList());
                List<Message<byte[]>> dead = readAll(client, inputTopic + "-" + app + "-DLQ", Schema.BYTES, 2,
                        Duration.ofSeconds(30));
                assertEquals(2, dead.size());
                for (Message<byte[]> m : dead) {
                    assertEquals("invalid", m.getProperty(DeadLetterProperties.KIND));
                    assertEquals(nodeOf(topology, AggregateNode.class), m.getProperty(DeadLetterProperties.NODE));
                    assertEquals("1", m.getProperty(DeadLetterProperties.ATTEMPTS), "not retried: it cannot succeed");
                    assertTrue(m.getProperty(DeadLetterProperties.EXCEPTION_MESSAGE).contains("without a key"));
                }
                Message<Long> count = readAll(client, counts, Schema.INT64, 1, Duration.ofSeconds(30)).get(0);
                assertEquals("a", count.getKey());
                assertEquals(1L, count.getValue());
                awaitDrained(pulsar, inputTopic, app);
            }
        }
    }

    @Test
    void emptyAndMalformedValuesAreDecodedWhereTheSchemaAllowsAndDeadLetteredWhereNot(EmbeddedPulsar pulsar)
            throws Exception {
        String text = unique("empty-text");
        String json = unique("empty-json");
        String out = unique("empty-out");
        String app = unique("empty");
        createTopic(pulsar, text);
        createTopic(pulsar, json);
        String jsonTopic = "persistent://public/default/" + json;
        Schema<Payment> payments = Schema.JSON(Payment.class);
        pulsar.admin().schemas().createSchema(jsonTopic, payments.getSchemaInfo());
        StreamBuilder builder = new StreamBuilder();
        builder.stream(text, Schema.STRING).mapValues(v -> "text:[" + v + "]")
                .merge(builder.stream(json, Consumed.with(payments)).mapValues(p -> "json:" + p.user + "=" + p.amount))
                .to(out, Produced.with(Schema.STRING, Schema.STRING));
        Topology topology = builder.build();
        String jsonSource = topology.nodes().stream().filter(n -> n instanceof SourceNode s && s.topics().stream().anyMatch(t -> t.endsWith(json)))
                .map(PlanNode::name).findFirst().orElseThrow();
        try (PulsarClient client = pulsar.newClient();
             Producer<String> textProducer = client.newProducer(Schema.STRING).topic(text).create();
             Producer<byte[]> jsonProducer = client.newProducer(Schema.BYTES).topic(json).create()) {
            textProducer.newMessage().key("t1").value("").send();
            jsonProducer.newMessage().key("j-empty").value(new byte[0]).send();
            jsonProducer.newMessage().key("j-malformed").value("{\"user\": \"ann\", \"amount\": ".getBytes(StandardCharsets.UTF_8)).send();
            jsonProducer.newMessage().key("j-wrong-type").value("{\"user\": \"ann\", \"amount\": \"lots\"}".getBytes(StandardCharsets.UTF_8)).send();
            jsonProducer.newMessage().key("j-good").value(payments.encode(new Payment("bob", 7))).send();
            try (JobRunner job = new JobRunner(topology, config(pulsar, app)).start()) {
                List<String> values = readAll(client, out, Schema.STRING, 2, Duration.ofSeconds(30)).stream()
                        .map(Message::getValue).sorted().toList();
                assertEquals(List.of("json:bob=7", "text:[]"), values);
                Map<String, Message<byte[]>> dead = deadLetters(client, jsonTopic + "-" + app + "-DLQ", 3);
                for (String key : List.of("j-empty", "j-malformed", "j-wrong-type")) {
                    Message<byte[]> m = dead.get(key);
                    assertEquals("undecodable", m.getProperty(DeadLetterProperties.KIND), key);
                    assertEquals(jsonSource, m.getProperty(DeadLetterProperties.NODE), key);
                    assertTrue(m.getProperty(DeadLetterProperties.EXCEPTION_MESSAGE).contains("does not decode with"), key);
                }
                assertEquals(0, dead.get("j-empty").getData().length);
                awaitDrained(pulsar, jsonTopic, app);
                awaitDrained(pulsar, "persistent://public/default/" + text, app);
            }
        }
    }

    @Test
    void avroWrittenWithAnotherSchemaIsDeadLettered(EmbeddedPulsar pulsar) throws Exception {
        String namespace = "public/" + unique("anything-goes");
        pulsar.admin().namespaces().createNamespace(namespace);
        pulsar.admin().namespaces().setSchemaCompatibilityStrategy(namespace, SchemaCompatibilityStrategy.ALWAYS_COMPATIBLE);
        String input = "persistent://" + namespace + "/payments";
        String out = unique("avro-out");
        String app = unique("avro");
        pulsar.admin().topics().createNonPartitionedTopic(input);
        Schema<Payment> payments = Schema.AVRO(SchemaDefinition.<Payment>builder().withPojo(Payment.class)
                .withAlwaysAllowNull(false).build());
        Schema<Survey> surveys = Schema.AVRO(SchemaDefinition.<Survey>builder().withPojo(Survey.class)
                .withAlwaysAllowNull(false).build());
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Consumed.with(payments)).mapValues(p -> p.user + "=" + p.amount)
                .to(out, Produced.with(Schema.STRING, Schema.STRING));
        try (PulsarClient client = pulsar.newClient();
             JobRunner job = new JobRunner(builder.build(), config(pulsar, app)).start();
             Producer<Payment> good = client.newProducer(payments).topic(input).create();
             Producer<Survey> other = client.newProducer(surveys).topic(input).create()) {
            good.newMessage().key("p1").value(new Payment("ann", 5)).send();
            other.newMessage().key("s1").value(new Survey("how are you?")).send();
            good.newMessage().key("p2").value(new Payment("bob", 6)).send();
            List<String> values = readAll(client, out, Schema.STRING, 2, Duration.ofSeconds(30)).stream()
                    .map(Message::getValue).toList();
            assertEquals(List.of("ann=5", "bob=6"), values);
            Message<byte[]> dead = deadLetters(client, input + "-" + app + "-DLQ", 1).get("s1");
            assertEquals("undecodable", dead.getProperty(DeadLetterProperties.KIND));
            assertTrue(dead.hasProperty(DeadLetterProperties.SCHEMA_VERSION), "the writer's schema version is kept");
            assertArrayEquals(surveys.encode(new Survey("how are you?")), dead.getData());
            awaitDrained(pulsar, input, app);
        }
    }

    @Test
    void aValueAtTheSizeLimitPassesAndAnOutputOverItIsDeadLetteredWhole(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("big-in");
        String out = unique("big-out");
        String app = unique("big");
        createTopic(pulsar, input);
        String inputTopic = "persistent://public/default/" + input;
        int size = 5 * 1024 * 1024 - 64 * 1024;
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.BYTES)
                .mapValuesWithKey((k, v) -> k.equals("grow") ? concat(v, v) : v)
                .to(out, Produced.with(Schema.STRING, Schema.BYTES).withBatching(ProducerBatching.KEY_GROUP));
        Topology topology = builder.build();
        byte[] big = new byte[size];
        Arrays.fill(big, (byte) 'x');
        try (PulsarClient client = pulsar.newClient();
             Producer<byte[]> producer = client.newProducer(Schema.BYTES).topic(input).enableBatching(false).create();
             JobRunner job = new JobRunner(topology, config(pulsar, app)).start()) {
            producer.newMessage().key("fits").value(big).send();
            producer.newMessage().key("grow").value(big).send();
            producer.newMessage().key("small").value("s".getBytes(StandardCharsets.UTF_8)).send();
            List<Message<byte[]>> outputs = readAll(client, out, Schema.BYTES, 2, Duration.ofSeconds(30));
            assertEquals(List.of("fits", "small"), outputs.stream().map(Message::getKey).sorted().toList());
            assertEquals(size, outputs.stream().filter(m -> m.getKey().equals("fits")).findFirst().orElseThrow().getData().length);
            Message<byte[]> dead = deadLetters(client, inputTopic + "-" + app + "-DLQ", 1).get("grow");
            assertEquals("output", dead.getProperty(DeadLetterProperties.KIND));
            assertEquals(nodeOf(topology, SinkNode.class), dead.getProperty(DeadLetterProperties.NODE));
            assertEquals("1", dead.getProperty(DeadLetterProperties.ATTEMPTS), "a refusal is not retried");
            assertArrayEquals(big, dead.getData(), "the whole original value is in the dead letter");
            awaitDrained(pulsar, inputTopic, app);
            assertEquals(1.0, job.meterRegistry().find(TaskMetrics.OUTPUT_FAILURES).counters().stream()
                    .mapToDouble(Counter::count).sum());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void anOutputTopicTheJobMayNotWriteToIsRefusedAtStartOrPerRecord(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("closed-in");
        String open = unique("open-out");
        String closed = unique("closed-out");
        String app = unique("closed");
        createTopic(pulsar, input);
        createTopic(pulsar, closed);
        String inputTopic = "persistent://public/default/" + input;
        pulsar.admin().topics().terminateTopicAsync("persistent://public/default/" + closed).get();

        // A fixed sink on a closed topic: the job does not start, and says which sink and topic.
        StreamBuilder fixed = new StreamBuilder();
        fixed.stream(input, Schema.STRING).to(closed, Produced.with(Schema.STRING, Schema.STRING));
        JobStartException refused = assertThrows(JobStartException.class,
                () -> new JobRunner(fixed.build(), config(pulsar, unique("fixed"))).start());
        assertTrue(refused.getMessage().contains("sink 'sink-1'") && refused.getMessage().contains(closed)
                && refused.getMessage().toLowerCase().contains("terminated"), refused.getMessage());

        // A sink choosing its topic per record: only the records for the closed topic are refused.
        StreamBuilder routed = new StreamBuilder();
        routed.stream(input, Schema.STRING)
                .to((k, v) -> k.startsWith("x") ? closed : open, Produced.with(Schema.STRING, Schema.STRING));
        Topology topology = routed.build();
        String sink = nodeOf(topology, SinkNode.class);
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).create()) {
            for (String key : List.of("a", "x1", "b", "x2", "c")) {
                producer.newMessage().key(key).value("v-" + key).send();
            }
            try (JobRunner job = new JobRunner(topology, config(pulsar, app)
                    .with(RuntimeOptions.ERROR_POLICY_NODES, sink + "=dead-letter")).start()) {
                assertEquals(List.of("a", "b", "c"), readAll(client, open, Schema.STRING, 3, Duration.ofSeconds(30))
                        .stream().map(Message::getKey).toList());
                Map<String, Message<byte[]>> dead = deadLetters(client, inputTopic + "-" + app + "-DLQ", 2);
                for (String key : List.of("x1", "x2")) {
                    assertEquals("output", dead.get(key).getProperty(DeadLetterProperties.KIND));
                    assertEquals(sink, dead.get(key).getProperty(DeadLetterProperties.NODE));
                    assertTrue(dead.get(key).getProperty(DeadLetterProperties.EXCEPTION_MESSAGE).contains(closed));
                    assertEquals("1", dead.get(key).getProperty(DeadLetterProperties.ATTEMPTS));
                }
                awaitDrained(pulsar, inputTopic, app);
                assertNull(job.failure().orElse(null));
            }
        }
    }

    /** Values "time|text" carry their time; the extractor refuses values whose time is not a number. */
    private static long timeInValue(String key, String value, long messageTime) {
        return Long.parseLong(value.substring(0, value.indexOf('|')));
    }

    @Test
    void recordsWhoseTimeCannotBeToldAreDeadLetteredAsInvalidTimestampsAndTheRestKeepTheirPayloadsTime(
            EmbeddedPulsar pulsar) throws Exception {
        String input = unique("timed-in");
        String output = unique("timed-out");
        String app = unique("timed");
        createTopic(pulsar, input);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Consumed.with(Schema.STRING).withName("readings")
                        .withTimestampExtractor(BadInputIT::timeInValue))
                .mapValues(v -> v.substring(v.indexOf('|') + 1).toUpperCase())
                .to(output, Produced.with(Schema.STRING, Schema.STRING));
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).enableBatching(false).create()) {
            for (int i = 0; i < 20; i++) {
                String value = i % 5 == 3 ? "-7|negative" : i % 5 == 4 ? "soon|not a number" : (1_700_000_000_000L + i) + "|r" + i;
                producer.newMessage().key("k" + i).value(value).send();
            }
            try (JobRunner job = new JobRunner(builder.build(), config(pulsar, app)).start()) {
                List<Message<String>> out = readAll(client, output, Schema.STRING, 12, Duration.ofSeconds(30));
                assertEquals(12, out.size(), "every record with a time, once");
                for (Message<String> m : out) {
                    int i = Integer.parseInt(m.getKey().substring(1));
                    assertEquals("R" + i, m.getValue());
                    assertEquals(1_700_000_000_000L + i, m.getEventTime(), "the output keeps the payload's time");
                }
                Map<String, Message<byte[]>> dead = deadLetters(client, input + "-" + app + "-DLQ", 8);
                assertEquals(8, dead.size(), "every record without a time, in the dead-letter topic");
                for (Map.Entry<String, Message<byte[]>> entry : dead.entrySet()) {
                    Message<byte[]> m = entry.getValue();
                    assertEquals("invalid-timestamp", m.getProperty(DeadLetterProperties.KIND), entry.getKey());
                    assertEquals("readings", m.getProperty(DeadLetterProperties.NODE), entry.getKey());
                    assertEquals("1", m.getProperty(DeadLetterProperties.ATTEMPTS), "not retried: it cannot succeed");
                    String why = m.getProperty(DeadLetterProperties.EXCEPTION_MESSAGE);
                    assertTrue(why.contains("source 'readings'") && (why.contains("negative time -7")
                            || why.contains("NumberFormatException")), why);
                }
                awaitDrained(pulsar, "persistent://public/default/" + input, app);
            }
        }
    }
}
