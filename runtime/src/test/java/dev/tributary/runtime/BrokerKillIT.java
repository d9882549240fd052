package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.BrokerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The broker, in a JVM of its own, is killed with SIGKILL five times and started again on its data
 * while a count job runs: once while it claims its key groups and restores its state from the
 * changelog, then four times while it processes. The job waits each outage out by itself. Under at-least-once nothing is lost; under exactly-once nothing is
 * duplicated either.
 */
class BrokerKillIT {
    private static final int KEYS = 200;
    /** Half before the restart of the job, then an eighth before each of the four later kills. */
    private static final int PER_KEY = 48;

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void aJobWaitsOutFiveBrokerKills(String guarantee) throws Exception {
        boolean exact = guarantee.equals("exactly-once");
        Path log = Files.createDirectories(Path.of("target", "broker-kill-logs")).resolve(guarantee + "-broker.log");
        try (BrokerProcess broker = BrokerProcess.start(temp.resolve("broker"), log)) {
            String input = "bk-in";
            String echo = "bk-echo";
            String counts = "bk-counts";
            broker.admin().topics().createNonPartitionedTopic(input);
            broker.admin().topics().createNonPartitionedTopic(echo);
            Configuration config = Configuration.empty()
                    .with(RuntimeOptions.SERVICE_URL, broker.serviceUrl())
                    .with(RuntimeOptions.ADMIN_URL, broker.httpUrl())
                    .with(RuntimeOptions.APPLICATION_ID, "bk")
                    .with(RuntimeOptions.STATE_DIR, temp.resolve("state").toString())
                    .with(RuntimeOptions.PROCESSING_GUARANTEE.key(), guarantee);
            try (PulsarClient client = PulsarClient.builder().serviceUrl(broker.serviceUrl())
                    .operationTimeout(60, TimeUnit.SECONDS).build()) {
                publish(client, input, 0, PER_KEY / 2);
                // A first run builds state, so that the next start has a changelog to restore.
                try (JobRunner first = new JobRunner(CountJobMain.topology(input, echo, counts), config).start()) {
                    await("the first half counted", Duration.ofSeconds(90),
                            () -> first.processedRecords() >= KEYS * PER_KEY / 2);
                }
                deleteLocalState();
                // Restored from the changelog at start, then the broker goes five times while it runs.
                JobRunner job = new JobRunner(CountJobMain.topology(input, echo, counts), config).start();
                try {
                    // The first kill comes while the job claims and restores, the others while it processes.
                    System.out.println("BrokerKillIT " + guarantee + ": kill 1 with " + job.pendingKeyGroups()
                            + " key groups still to claim or restore, " + job.restoredRecords() + " records restored");
                    broker.kill9();
                    broker.restart();
                    assertEquals(JobState.RUNNING, job.state(), "the job rode out a kill at start: " + job.failure());
                    for (int kill = 2; kill <= 5; kill++) {
                        publish(client, input, PER_KEY / 2 + (kill - 2) * PER_KEY / 8, PER_KEY / 2 + (kill - 1) * PER_KEY / 8);
                        broker.kill9();
                        broker.restart();
                        assertEquals(JobState.RUNNING, job.state(), "the job rode out kill " + kill + ": " + job.failure());
                    }
                    System.out.println("BrokerKillIT " + guarantee + ": " + (exact
                            ? ExactOutputs.check(client, echo, counts, KEYS, PER_KEY, Duration.ofSeconds(180))
                            : ExactOutputs.checkNothingLost(client, echo, counts, KEYS, PER_KEY, Duration.ofSeconds(180))));
                    assertEquals(JobState.RUNNING, job.state(), "the job is still running: " + job.failure());
                } finally {
                    job.close();
                }
            }
        }
    }

    private void deleteLocalState() throws Exception {
        try (var files = Files.walk(temp.resolve("state"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static void publish(PulsarClient client, String topic, int from, int to) throws Exception {
        // Creating the producer may meet a broker still loading its topics; once created, a send with
        // no timeout is retried by the client, so nothing is published twice.
        Producer<String> created = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (created == null) {
            try {
                created = client.newProducer(Schema.STRING).topic(topic).blockIfQueueFull(true)
                        .sendTimeout(0, TimeUnit.SECONDS).batcherBuilder(BatcherBuilder.KEY_BASED).create();
            } catch (org.apache.pulsar.client.api.PulsarClientException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
        try (Producer<String> producer = created) {
            for (int seq = from; seq < to; seq++) {
                for (int key = 0; key < KEYS; key++) {
                    producer.newMessage().key("k" + key).value(Integer.toString(seq)).sendAsync();
                }
            }
            producer.flush();
        }
    }
}
