package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.Sends;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker stops mid-stream and comes back on the same data: the job reconnects and loses nothing. */
class BrokerRestartIT {

    @Test
    void aJobRidesOutABrokerRestart(@TempDir Path brokerDir, @TempDir Path stateDir) throws Exception {
        try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().dataDirectory(brokerDir).build().start()) {
            String input = "restart-in";
            String echo = "restart-echo";
            String counts = "restart-counts";
            String app = "restart";
            createTopic(pulsar, input);
            createTopic(pulsar, echo);
            String inputTopic = "persistent://public/default/" + input;
            int keys = 200;
            int perKey = 100;
            Configuration config = config(pulsar, app).with(RuntimeOptions.STATE_DIR, stateDir.toString());
            try (PulsarClient client = pulsar.newClient();
                 CrashIT.EchoCollector collector = new CrashIT.EchoCollector(client, echo);
                 Producer<String> producer = client.newProducer(Schema.STRING).topic(input)
                         .blockIfQueueFull(true).create();
                 JobRunner job = new JobRunner(CountJobMain.topology(input, echo, counts), config).start()) {
                Sends sends = new Sends();
                for (int seq = 0; seq < perKey / 2; seq++) {
                    for (int key = 0; key < keys; key++) {
                        sends.add(producer.newMessage().key("k" + key).value(Integer.toString(seq)).sendAsync());
                    }
                }
                producer.flush();
                sends.awaitAll(Duration.ofSeconds(60));
                await("half the input echoed", Duration.ofSeconds(60), () -> collector.seen.size() >= keys * perKey / 4);

                pulsar.stop();
                // Down until the clients have seen it go: the test's own consumer shares the broker.
                await("clients disconnected", Duration.ofSeconds(30), () -> !collector.connected());
                assertEquals(JobState.RUNNING, job.state(), "the job waits for the broker");
                pulsar.start();

                for (int seq = perKey / 2; seq < perKey; seq++) {
                    for (int key = 0; key < keys; key++) {
                        sends.add(producer.newMessage().key("k" + key).value(Integer.toString(seq)).sendAsync());
                    }
                }
                producer.flush();
                sends.awaitAll(Duration.ofSeconds(60));
                await("every record echoed", Duration.ofSeconds(120), () -> collector.seen.size() == keys * perKey);
                await("input backlog 0", Duration.ofSeconds(60),
                        () -> FaultHandlingIT.backlogQuietly(pulsar, inputTopic, app) == 0);
                Map<String, Long> finalCounts = new HashMap<>();
                await("final counts", Duration.ofSeconds(60), () -> {
                    try {
                        finalCounts.clear();
                        finalCounts.putAll(CrashIT.lastCounts(client, counts));
                    } catch (Exception e) {
                        return false;
                    }
                    return finalCounts.size() == keys && finalCounts.values().stream().allMatch(c -> c >= perKey);
                });
                assertEquals(JobState.RUNNING, job.state(), "the job reconnected by itself: " + job.failure());
                assertTrue(job.failure().isEmpty());
            }
        }
    }
}
