package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PulsarExtension.class)
class CommitIT {

    private static Topology upperCase(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).mapValues(String::toUpperCase)
                .to(output, Produced.with(Schema.STRING, Schema.STRING));
        return builder.build();
    }

    private static void produce(PulsarClient client, String topic, int from, int to) throws Exception {
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic)
                .blockIfQueueFull(true).create()) {
            Sends sends = new Sends();
            for (int i = from; i < to; i++) {
                sends.add(producer.newMessage().key("k" + (i % 50)).value("v" + i).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
        }
    }

    @Test
    void aCleanRestartDoesNotReprocessCommittedInput(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("restart-in");
        String output = unique("restart-out");
        String app = unique("restart");
        createTopic(pulsar, input);
        try (PulsarClient client = pulsar.newClient()) {
            produce(client, input, 0, 3000);
            try (JobRunner first = new JobRunner(upperCase(input, output), config(pulsar, app)).start()) {
                await("first run processes 3000", Duration.ofSeconds(30), () -> first.processedRecords() == 3000);
            }
            produce(client, input, 3000, 4000);
            try (JobRunner second = new JobRunner(upperCase(input, output), config(pulsar, app)).start()) {
                await("second run processes the 1000 new records", Duration.ofSeconds(30),
                        () -> second.processedRecords() >= 1000);
                await("backlog 0", Duration.ofSeconds(10), () -> backlogOf(pulsar, input, app) == 0);
                assertEquals(1000, second.processedRecords(), "records processed again after a clean stop");
            }
            List<Message<String>> out = readAll(client, output, Schema.STRING, 4000, Duration.ofSeconds(30));
            assertEquals(4000, out.size(), "every input exactly once");
        }
    }

    @Test
    void aStopWithoutCommitRedeliversEverything(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("crash-in");
        String output = unique("crash-out");
        String app = unique("crash");
        createTopic(pulsar, input);
        // Never commit on its own: the crash comes before the first commit.
        Configuration noCommit = config(pulsar, app)
                .with(RuntimeOptions.COMMIT_INTERVAL, Duration.ofHours(1))
                .with(RuntimeOptions.COMMIT_MAX_RECORDS, 1_000_000);
        try (PulsarClient client = pulsar.newClient()) {
            produce(client, input, 0, 2000);
            JobRunner crashing = new JobRunner(upperCase(input, output), noCommit).start();
            await("2000 processed before the crash", Duration.ofSeconds(30), () -> crashing.processedRecords() == 2000);
            crashing.abort();
            // The backlog counts broker entries (batches), not records: it must simply not have moved.
            assertTrue(backlogOf(pulsar, input, app) > 0, "nothing was acknowledged");

            try (JobRunner recovered = new JobRunner(upperCase(input, output), config(pulsar, app)).start()) {
                await("every record delivered again", Duration.ofSeconds(30), () -> recovered.processedRecords() == 2000);
                await("backlog 0", Duration.ofSeconds(10), () -> backlogOf(pulsar, input, app) == 0);
            }
            List<Message<String>> out = readAll(client, output, Schema.STRING, 2000, Duration.ofSeconds(30));
            Set<String> values = new HashSet<>();
            out.forEach(m -> values.add(m.getValue()));
            for (int i = 0; i < 2000; i++) {
                assertTrue(values.contains("V" + i), "missing V" + i);
            }
            assertTrue(out.size() >= 2000);
        }
    }

    static long backlogOf(EmbeddedPulsar pulsar, String topic, String subscription) {
        try {
            return backlog(pulsar, "persistent://public/default/" + topic, subscription);
        } catch (Exception e) {
            return -1;
        }
    }
}
