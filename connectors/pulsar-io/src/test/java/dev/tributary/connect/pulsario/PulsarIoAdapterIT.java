package dev.tributary.connect.pulsario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.testkit.pulsar.Await;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.TestTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PulsarExtension.class)
class PulsarIoAdapterIT {
    @TempDir
    Path dir;

    @Test
    void aPulsarIoSourceAndSinkRunInsideAJob(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/" + TestTopics.unique("tickets");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        Path out = dir.resolve("out.txt");
        StreamBuilder builder = new StreamBuilder();
        builder.source("tickets", new PulsarIoSource<>(new TicketSource()), topic, Schema.STRING)
                .mapValues(v -> v.toUpperCase())
                .sink("lines");
        String app = TestTopics.unique("io");
        Configuration config = Configuration.empty().with(RuntimeOptions.APPLICATION_ID, app)
                .with(RuntimeOptions.SERVICE_URL, pulsar.serviceUrl())
                .with(RuntimeOptions.ADMIN_URL, pulsar.httpUrl())
                .with(RuntimeOptions.RETRY_INITIAL_DELAY, java.time.Duration.ofMillis(10))
                .with("connector.tickets.config", "{\"count\": 2000, \"prefix\": \"t\"}")
                .with("connector.lines.type", "pulsar-io")
                .with("connector.lines.class", LineFileSink.class.getName())
                .with("connector.lines.config", "{\"path\": \"" + out + "\"}");
        try (JobRunner job = new JobRunner(builder.build(), config).start()) {
            Await.until("2,000 lines in the file", java.time.Duration.ofSeconds(60), () -> {
                try {
                    return lines(out).size() >= 2000;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(2000, TicketSource.ACKED.get(), "the source's records are acked once stored");
            assertEquals(0, TicketSource.FAILED.get());
            assertTrue(job.meterRegistry().get("tributary.records.retried").counters().stream()
                    .mapToDouble(c -> c.count()).sum() >= 200, "records the sink failed were retried");
            assertEquals(2000.0, job.meterRegistry().get("tributary.connector.io.metric").tag("metric", "configured")
                    .gauge().value());
        }
        List<String> lines = lines(out);
        assertEquals(2000, lines.size(), "each record written once (failed attempts write nothing)");
        Set<String> expected = IntStream.range(0, 2000).mapToObj(i -> "k" + (i % 50) + "=T" + i)
                .collect(Collectors.toSet());
        assertEquals(expected, new HashSet<>(lines));
    }

    private static Configuration settings(EmbeddedPulsar pulsar, String app) {
        return Configuration.empty().with(RuntimeOptions.APPLICATION_ID, app)
                .with(RuntimeOptions.SERVICE_URL, pulsar.serviceUrl())
                .with(RuntimeOptions.ADMIN_URL, pulsar.httpUrl());
    }

    @Test
    void aSourceKeepsItsStateAcrossRestartsAndSendsItsOwnOutputMessages(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/" + TestTopics.unique("numbers");
        String audit = topic + "-audit";
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        String app = TestTopics.unique("resume");
        try (PulsarClient client = pulsar.newClient()) {
            for (int until : List.of(100, 150)) {
                StreamBuilder builder = new StreamBuilder();
                builder.source("numbers", new PulsarIoSource<>(new ResumingSource()), topic, Schema.STRING);
                Configuration config = settings(pulsar, app).with("connector.numbers.config",
                        "{\"until\": " + until + ", \"audit\": \"" + audit + "\"}");
                try (JobRunner job = new JobRunner(builder.build(), config).start()) {
                    Await.until(until + " numbers stored", java.time.Duration.ofSeconds(60),
                            () -> stored(client, topic) >= until);
                }
                assertEquals(until == 100 ? 1 : 2, ResumingSource.opensSeen, "the open counter survives the restart");
            }
            // The second run resumed where the state said: every number once, across both runs.
            List<String> numbers = TestTopics.readAll(client, topic, Schema.STRING, 150, java.time.Duration.ofSeconds(10))
                    .stream().map(Message::getValue).toList();
            // Records of different keys may be written in either order (batches are per key group);
            // each key's own numbers keep their order.
            assertEquals(IntStream.range(0, 150).mapToObj(i -> "n" + i).toList(),
                    numbers.stream().sorted(Comparator.comparingInt(n -> Integer.parseInt(n.substring(1))))
                            .toList());
            for (int key = 0; key < 7; key++) {
                int k = key;
                List<Integer> ofKey = numbers.stream().map(n -> Integer.parseInt(n.substring(1)))
                        .filter(n -> n % 7 == k).toList();
                assertEquals(ofKey.stream().sorted().toList(), ofKey, "key k" + k + " in order");
            }
            List<Message<Integer>> audited = TestTopics.readAll(client, audit, Schema.INT32, 15,
                    java.time.Duration.ofSeconds(10));
            assertEquals(IntStream.range(0, 15).map(i -> i * 10).boxed().toList(),
                    audited.stream().map(Message::getValue).toList(), "newOutputMessage wrote to its own topic");
            assertEquals(audited.stream().map(Message::getMessageId).toList(), ResumingSource.AUDITED,
                    "send() returned the stored messages' ids");
        }
    }

    /** A value with an Avro schema. */
    public static class Reading {
        public String name;
        public long value;

        public Reading() {
        }

        Reading(String name, long value) {
            this.name = name;
            this.value = value;
        }
    }

    @Test
    void sinkRecordsCarryTheStreamsSchemaOrOneThatFitsTheirValues(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/" + TestTopics.unique("readings");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        StreamBuilder builder = new StreamBuilder();
        var readings = builder.stream(topic, Schema.AVRO(Reading.class));
        readings.sink("avro");
        readings.mapValues(reading -> reading.name).sink("mapped");
        Configuration config = settings(pulsar, TestTopics.unique("schemas"));
        for (String sink : List.of("avro", "mapped")) {
            config = config.with("connector." + sink + ".type", "pulsar-io")
                    .with("connector." + sink + ".class", SchemaRecordingSink.class.getName());
        }
        try (PulsarClient client = pulsar.newClient();
             JobRunner job = new JobRunner(builder.build(), config).start();
             Producer<Reading> producer = client.newProducer(Schema.AVRO(Reading.class)).topic(topic).create()) {
            for (int i = 0; i < 20; i++) {
                producer.newMessage().key("r" + i).value(new Reading("r" + i, i)).send();
            }
            Await.until("both sinks wrote", java.time.Duration.ofSeconds(60), () -> job.processedRecords() >= 20
                    && SchemaRecordingSink.SEEN.containsKey("avro") && SchemaRecordingSink.SEEN.containsKey("mapped"));
        }
        assertEquals(Set.of("AVRO:Reading"), SchemaRecordingSink.SEEN.get("avro"), "the stream's own schema");
        assertEquals(Set.of("STRING:String"), SchemaRecordingSink.SEEN.get("mapped"), "a schema that fits the values");
    }

    private static int stored(PulsarClient client, String topic) {
        try {
            return TestTopics.readAll(client, topic, Schema.STRING, 0, java.time.Duration.ofSeconds(5)).size();
        } catch (Exception e) {
            return -1;
        }
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
