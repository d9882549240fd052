package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.config;
import static dev.tributary.runtime.PulsarTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.connect.Sink;
import dev.tributary.dsl.connect.SinkContext;
import dev.tributary.dsl.connect.SinkRecord;
import dev.tributary.dsl.connect.Source;
import dev.tributary.dsl.connect.SourceContext;
import dev.tributary.dsl.connect.SourceRecord;
import dev.tributary.dsl.connect.SourceWriteException;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The connector SPI as the runtime carries it out, with connectors written in the test. */
@ExtendWith(PulsarExtension.class)
class ConnectorsIT {
    /** A sink whose target can be switched off; it remembers the keys it wrote. */
    static final class SwitchableSink implements Sink<String, String> {
        final AtomicBoolean down = new AtomicBoolean();
        final Set<String> written = ConcurrentHashMap.newKeySet();
        volatile boolean closed;

        @Override
        public void open(SinkContext context) {
        }

        @Override
        public void write(List<SinkRecord<String, String>> records) throws Exception {
            if (down.get()) {
                throw new java.net.ConnectException("target refused the connection");
            }
            records.forEach(r -> written.add(r.key()));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aGracefulStopWhileTheTargetIsDownLeavesItsRecordsUnacknowledgedForTheNextRun(EmbeddedPulsar pulsar)
            throws Exception {
        String topic = "persistent://public/default/" + unique("to-sink");
        PulsarTestSupport.createTopic(pulsar, topic);
        String app = unique("sink-down");
        Configuration config = config(pulsar, app).with(RuntimeOptions.HTTP_ENABLED, true)
                .with(RuntimeOptions.HTTP_PORT, 0)
                .with("connector.target.retry.max-delay", "50ms");
        SwitchableSink first = new SwitchableSink();
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).create()) {
            for (int i = 0; i < 100; i++) {
                producer.newMessage().key("a" + i).value("v").send();
            }
            JobRunner job = new JobRunner(topology(topic, first), config).start();
            waitFor(() -> first.written.size() == 100, "the first 100");
            first.down.set(true);
            for (int i = 0; i < 100; i++) {
                producer.newMessage().key("b" + i).value("v").send();
            }
            waitFor(() -> job.meterRegistry().get("tributary.sink.unavailable").gauge().value() == 1.0, "unavailability");
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + job.httpPort() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("sink 'target' unavailable since"), ready.body());
            assertTrue(ready.body().contains("target refused the connection"), ready.body());
            job.close();
            assertEquals(JobState.STOPPED, job.state(), "a stop during an outage is not a failure");
            assertTrue(first.closed);
        }
        SwitchableSink second = new SwitchableSink();
        try (JobRunner job = new JobRunner(topology(topic, second), config.with(RuntimeOptions.HTTP_ENABLED, false)).start()) {
            waitFor(() -> second.written.size() >= 100, "the records left unacknowledged");
            for (int i = 0; i < 100; i++) {
                assertTrue(second.written.contains("b" + i), "b" + i);
            }
            assertFalse(second.written.contains("a0"), "the records written before the outage were acknowledged");
        }
    }

    private static dev.tributary.dsl.Topology topology(String topic, SwitchableSink sink) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(topic, Schema.STRING).sink("target", sink);
        return builder.build();
    }

    /** A source emitting numbered records and committing each number as its position. */
    static final class CountingSource implements Source<String> {
        static final ConfigOption<Integer> UNTIL = ConfigOption.key("until").intType().required()
                .description("The last number.");
        volatile CompletableFuture<org.apache.pulsar.client.api.MessageId> refused;

        @Override
        public List<ConfigOption<?>> options() {
            return List.of(UNTIL);
        }

        @Override
        public void open(SourceContext<String> context) {
        }

        @Override
        public void run(SourceContext<String> context) throws Exception {
            int until = context.config().get(UNTIL);
            int n = context.position("n").map(Integer::parseInt).orElse(0);
            while (n < until && !context.stopping()) {
                n++;
                context.emit(SourceRecord.of("r" + n).key("k" + (n % 10))).get();
                context.commitPosition("n", Integer.toString(n));
            }
            // Bytes that are not an int64 for a topic whose schema is INT64 are refused, not dropped.
            refused = context.emit(SourceRecord.<String>encoded(new byte[] {1, 2, 3}).topic(context.topic() + "-longs"));
            context.awaitStop(60_000);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aSourceResumesFromItsCommittedPositionAndARefusedRecordFailsItsFuture(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/" + unique("counted");
        PulsarTestSupport.createTopic(pulsar, topic);
        pulsar.admin().schemas().createSchema(topic + "-longs", Schema.INT64.getSchemaInfo());
        String app = unique("source");
        try (PulsarClient client = pulsar.newClient()) {
            CountingSource first = new CountingSource();
            StreamBuilder builder = new StreamBuilder();
            builder.addSource("counter", first, topic, Schema.STRING);
            try (JobRunner job = new JobRunner(builder.build(), config(pulsar, app).with("connector.counter.until", "300"))
                    .start()) {
                waitFor(() -> first.refused != null && first.refused.isDone(), "the refused record");
                ExecutionException e = assertThrows(ExecutionException.class, () -> first.refused.get());
                assertTrue(e.getCause() instanceof SourceWriteException write && !write.retriable(), e.toString());
                assertTrue(e.getCause().getMessage().contains("-longs"), e.getCause().getMessage());
            }
            CountingSource second = new CountingSource();
            StreamBuilder again = new StreamBuilder();
            again.addSource("counter", second, topic, Schema.STRING);
            try (JobRunner job = new JobRunner(again.build(), config(pulsar, app).with("connector.counter.until", "500"))
                    .start()) {
                waitFor(() -> second.refused != null, "the second run");
            }
            List<String> values = PulsarTestSupport.readAll(client, topic, Schema.STRING, 500, Duration.ofSeconds(20))
                    .stream().map(m -> m.getValue()).toList();
            assertEquals(java.util.stream.IntStream.rangeClosed(1, 500).mapToObj(i -> "r" + i).toList(), values);
        }
    }

    @Test
    void connectorSettingsAreCheckedBeforeAnythingConnects(EmbeddedPulsar pulsar) {
        StreamBuilder builder = new StreamBuilder();
        builder.addSource("counter", new CountingSource(), "t", Schema.STRING);
        ConfigException missing = assertThrows(ConfigException.class,
                () -> new JobRunner(builder.build(), config(pulsar, unique("cfg"))));
        assertEquals("connector.counter.until", missing.key());
        assertTrue(missing.getMessage().contains("connector.counter.until"), missing.getMessage());
        ConfigException invalid = assertThrows(ConfigException.class, () -> new JobRunner(builder.build(),
                config(pulsar, unique("cfg")).with("connector.counter.until", "many")));
        assertTrue(invalid.getMessage().contains("invalid value 'many' for connector.counter.until"), invalid.getMessage());
        ConfigException typo = assertThrows(ConfigException.class, () -> new JobRunner(builder.build(),
                config(pulsar, unique("cfg")).with("connector.counter.until", "1").with("connector.counter.max-inflight", "5")));
        assertTrue(typo.getMessage().contains("did you mean 'connector.counter.max-in-flight'"), typo.getMessage());
        StreamBuilder byType = new StreamBuilder();
        byType.stream("t", Schema.STRING).sink("out");
        ConfigException noType = assertThrows(ConfigException.class,
                () -> new JobRunner(byType.build(), config(pulsar, unique("cfg"))));
        assertTrue(noType.getMessage().contains("connector.out.type must say its type"), noType.getMessage());
        ConfigException unknownType = assertThrows(ConfigException.class, () -> new JobRunner(byType.build(),
                config(pulsar, unique("cfg")).with("connector.out.type", "kafka")));
        assertTrue(unknownType.getMessage().contains("no connector type 'kafka'"), unknownType.getMessage());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        PulsarTestSupport.await(what, Duration.ofSeconds(30), condition);
    }
}
