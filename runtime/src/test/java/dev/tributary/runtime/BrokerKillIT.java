package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.BrokerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/**
 * The broker, in a JVM of its own, is killed with SIGKILL five times and started again on its data
 * while two count jobs run, one under each guarantee: once while they claim their key groups and
 * restore their state from the changelog, then four times while they process. The jobs wait each
 * outage out by themselves. Under at-least-once nothing is lost; under exactly-once nothing is
 * duplicated either.
 */
class BrokerKillIT {
    private static final int KEYS = 200;
    /** Half before the restart of the job, then an eighth before each of the four later kills. */
    private static final int PER_KEY = 48;

    @TempDir
    Path temp;

    /** One job and its topics; both guarantees run side by side through the same kills. */
    private record Job(String guarantee, String input, String echo, String counts, Configuration config) {
        Job(String guarantee, BrokerProcess broker, Path state) {
            this(guarantee, "bk-" + guarantee + "-in", "bk-" + guarantee + "-echo", "bk-" + guarantee + "-counts",
                    Configuration.empty()
                            .with(RuntimeOptions.SERVICE_URL, broker.serviceUrl())
                            .with(RuntimeOptions.ADMIN_URL, broker.httpUrl())
                            .with(RuntimeOptions.APPLICATION_ID, "bk-" + guarantee)
                            .with(RuntimeOptions.STATE_DIR, state.toString())
                            .with(RuntimeOptions.PROCESSING_GUARANTEE.key(), guarantee));
        }

        JobRunner runner() {
            return new JobRunner(CountJobMain.topology(input, echo, counts), config);
        }

        JobRunner start() {
            return runner().start();
        }
    }

    @Test
    void jobsUnderBothGuaranteesWaitOutFiveBrokerKills() throws Exception {
        Path log = Files.createDirectories(Path.of("target", "broker-kill-logs")).resolve("broker.log");
        try (BrokerProcess broker = BrokerProcess.start(temp.resolve("broker"), log);
             PulsarClient client = PulsarClient.builder().serviceUrl(broker.serviceUrl())
                     .operationTimeout(60, TimeUnit.SECONDS).build()) {
            List<Job> jobs = List.of(new Job("at-least-once", broker, temp.resolve("alo")),
                    new Job("exactly-once", broker, temp.resolve("eo")));
            for (Job job : jobs) {
                broker.admin().topics().createNonPartitionedTopic(job.input());
                broker.admin().topics().createNonPartitionedTopic(job.echo());
                publish(client, job.input(), 0, PER_KEY / 2);
                // A first run builds state, so that the next start has a changelog to restore.
                try (JobRunner first = job.start()) {
                    await("the first half counted under " + job.guarantee(), Duration.ofSeconds(90),
                            () -> first.processedRecords() >= KEYS * PER_KEY / 2);
                }
                deleteLocalState(job.config().get(RuntimeOptions.STATE_DIR));
            }
            // Restored from the changelog after start, then the broker goes five times while they run: the first
            // time as soon as a restore has begun, while start() or the restore it began is still under way.
            List<JobRunner> running = new ArrayList<>();
            ExecutorService starter = Executors.newFixedThreadPool(jobs.size());
            try {
                List<Future<JobRunner>> starts = new ArrayList<>();
                for (Job job : jobs) {
                    JobRunner runner = job.runner();
                    running.add(runner);
                    starts.add(starter.submit(runner::start));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (running.stream().allMatch(runner -> restored(runner) == 0) && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
                long unfinished = 0;
                for (int i = 0; i < jobs.size(); i++) {
                    if (!starts.get(i).isDone() || running.get(i).pendingKeyGroups() > 0) {
                        unfinished++;
                    }
                }
                System.out.println("BrokerKillIT: kill 1 with " + unfinished + " of " + jobs.size()
                        + " jobs still starting or restoring, " + running.stream().mapToLong(BrokerKillIT::restored).sum()
                        + " changelog records restored so far");
                assertTrue(unfinished > 0, "the first kill came while a job was starting and restoring");
                broker.kill9();
                broker.restart();
                for (Future<JobRunner> start : starts) {
                    start.get(3, TimeUnit.MINUTES);
                }
                for (int kill = 1; kill <= 5; kill++) {
                    if (kill > 1) {
                        for (Job job : jobs) {
                            publish(client, job.input(), PER_KEY / 2 + (kill - 2) * PER_KEY / 8,
                                    PER_KEY / 2 + (kill - 1) * PER_KEY / 8);
                        }
                        broker.kill9();
                        broker.restart();
                    }
                    for (JobRunner runner : running) {
                        assertEquals(JobState.RUNNING, runner.state(), "the job rode out kill " + kill + ": "
                                + runner.failure());
                    }
                }
                System.out.println("BrokerKillIT at-least-once: " + ExactOutputs.checkNothingLost(client,
                        jobs.get(0).echo(), jobs.get(0).counts(), KEYS, PER_KEY, Duration.ofSeconds(180)));
                System.out.println("BrokerKillIT exactly-once: " + ExactOutputs.check(client, jobs.get(1).echo(),
                        jobs.get(1).counts(), KEYS, PER_KEY, Duration.ofSeconds(180)));
                for (JobRunner runner : running) {
                    assertEquals(JobState.RUNNING, runner.state(), "the job is still running: " + runner.failure());
                }
            } finally {
                starter.shutdownNow();
                running.forEach(JobRunner::close);
            }
        }
    }

    /** Changelog records the job restored so far, also while its start is under way. */
    private static long restored(JobRunner runner) {
        return (long) runner.meterRegistry().find("tributary.restore.records").functionCounters().stream()
                .mapToDouble(counter -> counter.count()).sum();
    }

    private static void deleteLocalState(String directory) throws Exception {
        try (var files = Files.walk(Path.of(directory))) {
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
