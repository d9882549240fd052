package dev.tributary.connect.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.DeadLetterProperties;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.testkit.pulsar.Await;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import dev.tributary.testkit.pulsar.TestTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
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
class FileConnectorsIT {
    @TempDir
    Path dir;

    private static String unique(String prefix) {
        return TestTopics.unique(prefix);
    }

    private static Configuration config(EmbeddedPulsar pulsar, String app) {
        return Configuration.of(pulsar.jobSettings(app))
                .with(RuntimeOptions.STATE_DIR, pulsar.dataDirectory().resolveSibling(app).toString());
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String lines(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    @Test
    void theFileSourceResumesFromItsPositionAfterARestartWithoutRereadingOrSkippingLines(EmbeddedPulsar pulsar)
            throws Exception {
        String topic = "persistent://public/default/" + unique("lines");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        Path input = dir.resolve("in");
        Files.createDirectories(input);
        append(input.resolve("a.log"), lines(0, 2500));
        append(input.resolve("b.log"), lines(2500, 3000));
        String app = unique("files");
        Configuration config = config(pulsar, app)
                .with("connector.files.path", input.toString())
                .with("connector.files.pattern", "*.log")
                .with("connector.files.poll-interval", "50ms")
                .with("connector.files.chunk-lines", "300");
        StreamBuilder builder = new StreamBuilder();
        builder.addSource("files", new FileSource(), topic, Schema.STRING);
        try (PulsarClient client = pulsar.newClient();
             Consumer<String> consumer = client.newConsumer(Schema.STRING).topic(topic).subscriptionName("check")
                     .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
            List<String> seen = new ArrayList<>();
            try (JobRunner job = new JobRunner(builder.build(), config).start()) {
                seen.addAll(values(TestTopics.readFrom(consumer, 3000, Duration.ofSeconds(30))));
                assertEquals(3000, seen.size());
                // Lines appended while running are followed; an unfinished line waits for its newline.
                append(input.resolve("b.log"), lines(3000, 3500) + "half of line 3500");
                seen.addAll(values(TestTopics.readFrom(consumer, 500, Duration.ofSeconds(30))));
                assertEquals(3500, seen.size());
            }
            append(input.resolve("b.log"), " finished\n" + lines(3501, 4000));
            append(input.resolve("c.log"), lines(4000, 4200));
            try (JobRunner job = new JobRunner(builder.build(), config).start()) {
                seen.addAll(values(TestTopics.readFrom(consumer, 700, Duration.ofSeconds(30))));
            }
            List<String> expected = new ArrayList<>();
            IntStream.range(0, 3500).forEach(i -> expected.add("line " + i));
            expected.add("half of line 3500 finished");
            IntStream.range(3501, 4200).forEach(i -> expected.add("line " + i));
            assertEquals(expected, seen, "every line once, in file and line order, across the restart");
        }
    }

    @Test
    void jsonLinesAreKeyedByAFieldAndMalformedLinesGoToTheDeadLetterTopic(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/" + unique("events");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        Path file = dir.resolve("events.jsonl");
        append(file, "{\"user\":\"ann\",\"n\":1}\n{not json\n\n{\"user\":\"bob\",\"n\":2}\n{\"n\":3}\n");
        String app = unique("jsonl");
        Configuration config = config(pulsar, app).with("connector.events.path", file.toString())
                .with("connector.events.format", "json_lines").with("connector.events.key-field", "user")
                .with("connector.events.poll-interval", "50ms");
        StreamBuilder builder = new StreamBuilder();
        builder.addSource("events", new FileSource(), topic, Schema.STRING);
        try (PulsarClient client = pulsar.newClient();
             Consumer<String> consumer = client.newConsumer(Schema.STRING).topic(topic).subscriptionName("check")
                     .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
             Consumer<byte[]> dead = client.newConsumer(Schema.BYTES).topic(topic + "-" + app + "-DLQ")
                     .subscriptionName("check").subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                     .subscribe();
             JobRunner job = new JobRunner(builder.build(), config).start()) {
            List<Message<String>> good = TestTopics.readFrom(consumer, 2, Duration.ofSeconds(30));
            assertEquals(List.of("ann", "bob"), good.stream().map(Message::getKey).toList());
            List<Message<byte[]>> rejected = TestTopics.readFrom(dead, 2, Duration.ofSeconds(30));
            assertEquals(List.of("{not json", "{\"n\":3}"), rejected.stream()
                    .map(m -> new String(m.getData(), StandardCharsets.UTF_8)).toList());
            assertTrue(rejected.get(0).getProperty(DeadLetterProperties.EXCEPTION_MESSAGE).startsWith("not a JSON document"),
                    rejected.get(0).getProperties().toString());
            assertEquals(file.toString(), rejected.get(1).getProperty(DeadLetterProperties.PREFIX + "source.partition"));
            assertTrue(job.meterRegistry().get("tributary.connector.records.rejected").counter().count() >= 2);
        }
    }

    @Test
    void theFileSinkWritesEveryRecordToRollingFilesFinishedOnClose(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/" + unique("to-files");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        Path out = dir.resolve("out");
        String app = unique("sink");
        Configuration config = config(pulsar, app).with("connector.archive.type", "file")
                .with("connector.archive.directory", out.toString())
                .with("connector.archive.roll.max-bytes", "20000");
        StreamBuilder builder = new StreamBuilder();
        builder.stream(topic, Schema.STRING).mapValues(v -> v.toUpperCase()).sink("archive");
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(topic)
                     .blockIfQueueFull(true).create()) {
            Sends sends = new Sends();
            for (int i = 0; i < 5000; i++) {
                sends.add(producer.newMessage().key("k" + (i % 10)).value("record " + i).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
            try (JobRunner job = new JobRunner(builder.build(), config).start()) {
                Await.until("every record written", Duration.ofSeconds(30),
                        () -> job.meterRegistry().get("tributary.sink.records").counter().count() >= 5000);
            }
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(out)) {
            files = listed.sorted().toList();
        }
        assertTrue(files.size() > 2, "rolled by size: " + files);
        assertTrue(files.stream().noneMatch(f -> f.toString().endsWith(".inprogress")), "finished on close: " + files);
        List<String> written = new ArrayList<>();
        for (Path file : files) {
            written.addAll(Files.readAllLines(file));
        }
        assertEquals(IntStream.range(0, 5000).mapToObj(i -> "RECORD " + i).sorted().toList(),
                written.stream().sorted().toList());
    }

    private static List<String> values(List<Message<String>> messages) {
        return messages.stream().map(Message::getValue).toList();
    }
}
