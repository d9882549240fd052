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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
