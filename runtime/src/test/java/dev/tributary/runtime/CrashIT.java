package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stateful job in a JVM of its own is killed with {@code kill -9} three times at random points and
 * restarted on the same state directory; nothing is lost.
 */
@ExtendWith(PulsarExtension.class)
class CrashIT {
    private static final int KEYS = 1_000;
    private static final int PER_KEY = 100;
    private static final int RECORDS = KEYS * PER_KEY;

    /** Collects (key, seq) pairs from the echo topic in the background; counts duplicates too. */
    static final class EchoCollector implements AutoCloseable {
        final Set<String> seen = ConcurrentHashMap.newKeySet();
        final AtomicLong total = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private final Consumer<String> consumer;
        /** Why the collector stopped reading before it was closed, if it did. */
        volatile Exception died;

        EchoCollector(PulsarClient client, String topic) throws Exception {
            consumer = client.newConsumer(Schema.STRING).topic(topic).subscriptionName("verifier")
                    .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
            thread = new Thread(() -> {
                try (consumer) {
                    while (running.get()) {
                        Message<String> m = consumer.receive(100, TimeUnit.MILLISECONDS);
                        if (m != null) {
                            seen.add(m.getKey() + ":" + m.getValue());
                            total.incrementAndGet();
                            consumer.acknowledgeAsync(m);
                        }
                    }
                } catch (Exception e) {
                    if (running.get()) {
                        died = e;
                    }
                }
            }, "echo-collector");
            thread.start();
        }

        /** Whether the collector's consumer is connected to the broker. */
        boolean connected() {
            return consumer.isConnected();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }
    }

    static Process launch(EmbeddedPulsar pulsar, String app, String input, String echo, String counts, Path stateDir,
                          Path log) throws Exception {
        return launch(pulsar, app, input, echo, counts, stateDir, log, "at-least-once");
    }

    static Process launch(EmbeddedPulsar pulsar, String app, String input, String echo, String counts, Path stateDir,
                          Path log, String guarantee) throws Exception {
        return launch(pulsar, app, input, echo, counts, stateDir, log, guarantee, List.of());
    }

    /** Starts {@link CountJobMain} in a JVM of its own, with these JVM options (a crash point, say). */
    static Process launch(EmbeddedPulsar pulsar, String app, String input, String echo, String counts, Path stateDir,
                          Path log, String guarantee, List<String> jvmOptions) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, CountJobMain.class.getName(),
                pulsar.serviceUrl(), pulsar.httpUrl(), app, input, echo, counts, stateDir.toString(), guarantee));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    static void kill9(Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start();
        assertEquals(0, kill.waitFor(), "kill -9 ran");
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the killed job exited");
        assertEquals(137, process.exitValue(), "the job died of SIGKILL");
    }

    static Map<String, Long> lastCounts(PulsarClient client, String counts) throws Exception {
        Map<String, Long> last = new HashMap<>();
        for (Message<Long> m : readAll(client, counts, Schema.INT64, 0, Duration.ofMillis(1))) {
            last.put(m.getKey(), m.getValue());
        }
        return last;
    }

    /**
     * Where the missing echoes are: whether the echo topic itself lacks them (read again from the
     * start), which key groups and sequence numbers they belong to, and what the counts say of their keys.
     */
    static String missing(PulsarClient client, String echo, String counts, Set<String> seen) {
        try {
            Set<String> onTopic = new java.util.HashSet<>();
            for (Message<String> m : readAll(client, echo, Schema.STRING, Integer.MAX_VALUE, Duration.ofSeconds(5))) {
                onTopic.add(m.getKey() + ":" + m.getValue());
            }
            Map<String, Long> last = lastCounts(client, counts);
            KeyGroups groups = new KeyGroups(RuntimeOptions.KEY_GROUPS.defaultValue());
            Map<Integer, TreeSet<Integer>> seqsByGroup = new java.util.TreeMap<>();
            Map<Integer, Set<String>> keysByGroup = new java.util.TreeMap<>();
            for (int key = 0; key < KEYS; key++) {
                for (int seq = 0; seq < PER_KEY; seq++) {
                    if (!onTopic.contains("k" + key + ":" + seq)) {
                        int group = groups.ofKey("k" + key);
                        seqsByGroup.computeIfAbsent(group, g -> new TreeSet<>()).add(seq);
                        keysByGroup.computeIfAbsent(group, g -> new TreeSet<>()).add("k" + key);
                    }
                }
            }
            StringBuilder out = new StringBuilder("echo topic holds " + onTopic.size() + " distinct");
            for (var entry : seqsByGroup.entrySet()) {
                Set<String> keys = keysByGroup.get(entry.getKey());
                String sample = keys.iterator().next();
                out.append("; key group ").append(entry.getKey()).append(": ").append(keys.size())
                        .append(" keys missing seqs ").append(entry.getValue().first()).append("..")
                        .append(entry.getValue().last()).append(" (").append(entry.getValue().size())
                        .append(" distinct), count of ").append(sample).append(" = ").append(last.get(sample));
            }
            return out.toString();
        } catch (Exception e) {
            return "cannot read the outputs again: " + e;
        }
    }

    @Test
    void aStatefulJobKilledThreeTimesLosesNothing(EmbeddedPulsar pulsar, @TempDir Path stateDir) throws Exception {
        String input = unique("crash-in");
        String echo = unique("crash-echo");
        String counts = unique("crash-counts");
        String app = unique("crash");
        createTopic(pulsar, input);
        createTopic(pulsar, echo);
        String inputTopic = "persistent://public/default/" + input;
        Path log = Files.createDirectories(Path.of("target", "crash-logs")).resolve(app + ".log");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Long> killPoints = new ArrayList<>(new TreeSet<>(List.of(
                10_000L + random.nextInt(20_000), 40_000L + random.nextInt(20_000), 70_000L + random.nextInt(20_000))));
        System.out.println("CrashIT seed " + seed + ", kill points " + killPoints + ", job log " + log.toAbsolutePath());

        try (PulsarClient client = pulsar.newClient();
             EchoCollector collector = new EchoCollector(client, echo)) {
            // KEY_BASED keeps a batch buffer per key against the client's memory limit: without blocking,
            // sends past it are refused.
            try (Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true)
                    .batcherBuilder(BatcherBuilder.KEY_BASED).create()) {
                Sends sends = new Sends();
                for (int i = 0; i < RECORDS; i++) {
                    String key = "k" + (i % KEYS);
                    sends.add(producer.newMessage().key(key).value(Integer.toString(i / KEYS)).sendAsync());
                }
                producer.flush();
                sends.awaitAll(Duration.ofSeconds(60));
            }
            for (long point : killPoints) {
                Process job = launch(pulsar, app, input, echo, counts, stateDir, log);
                try {
                    await("progress to " + point + " echoed records (job log " + log.toAbsolutePath() + ")",
                            Duration.ofSeconds(90), () -> {
                                if (!job.isAlive()) {
                                    fail("the job exited by itself with " + job.exitValue() + "; see "
                                            + log.toAbsolutePath());
                                }
                                return collector.total.get() >= point;
                            });
                } catch (AssertionError e) {
                    job.destroyForcibly();
                    throw e;
                }
                kill9(job);
                System.out.println("CrashIT killed the job at " + collector.total.get() + " echoed records ("
                        + collector.seen.size() + " distinct)");
            }

            Process last = launch(pulsar, app, input, echo, counts, stateDir, log);
            try {
                try {
                    await("every record echoed", Duration.ofSeconds(120), () -> collector.seen.size() == RECORDS);
                } catch (AssertionError e) {
                    // What the broker still holds for the job, to tell undelivered input from lost input.
                    var stats = pulsar.admin().topics().getStats(inputTopic).getSubscriptions().get(app);
                    throw new AssertionError(e.getMessage() + "; " + collector.seen.size() + " of " + RECORDS
                            + " distinct echoed; input subscription: backlog " + stats.getMsgBacklog() + ", unacked "
                            + stats.getUnackedMessages() + ", consumers " + stats.getConsumers().size()
                            + ", redelivery " + stats.getMsgRateRedeliver() + "/s; collector " + (collector.died == null ? "reading"
                            : "died: " + collector.died) + "; " + missing(client, echo, counts,
                            collector.seen) + "; job log " + log.toAbsolutePath(), e);
                }
                await("input backlog 0", Duration.ofSeconds(30),
                        () -> FaultHandlingIT.backlogQuietly(pulsar, inputTopic, app) == 0);
                Map<String, Long> finalCounts = new HashMap<>();
                await("final counts", Duration.ofSeconds(60), () -> {
                    try {
                        finalCounts.clear();
                        finalCounts.putAll(lastCounts(client, counts));
                    } catch (Exception e) {
                        return false;
                    }
                    return finalCounts.size() == KEYS && finalCounts.values().stream().allMatch(c -> c >= PER_KEY);
                });
                System.out.println("CrashIT: " + collector.total.get() + " echoed for " + RECORDS + " inputs; counts "
                        + finalCounts.values().stream().mapToLong(Long::longValue).summaryStatistics());
            } finally {
                last.destroy();
                assertTrue(last.waitFor(60, TimeUnit.SECONDS), "the last job stopped on SIGTERM");
            }
            for (int key = 0; key < KEYS; key++) {
                for (int seq = 0; seq < PER_KEY; seq++) {
                    if (!collector.seen.contains("k" + key + ":" + seq)) {
                        fail("k" + key + ":" + seq + " is missing from the output");
                    }
                }
            }
            assertEquals(0, FaultHandlingIT.backlogQuietly(pulsar, inputTopic, app));
        }
    }

    @Test
    void anExactlyOnceJobKilledThreeTimesHasNoDuplicateAndNoGap(EmbeddedPulsar pulsar, @TempDir Path stateDir)
            throws Exception {
        int keys = 500;
        int perKey = 60;
        String input = unique("eo-crash-in");
        String echo = unique("eo-crash-echo");
        String counts = unique("eo-crash-counts");
        String app = unique("eo-crash");
        createTopic(pulsar, input);
        createTopic(pulsar, echo);
        Path log = Files.createDirectories(Path.of("target", "crash-logs")).resolve(app + ".log");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Long> killPoints = List.of(3_000L + random.nextInt(5_000), 11_000L + random.nextInt(5_000),
                19_000L + random.nextInt(5_000));
        System.out.println("CrashIT exactly-once seed " + seed + ", kill points " + killPoints + ", job log "
                + log.toAbsolutePath());
        try (PulsarClient client = pulsar.newClient();
             EchoCollector collector = new EchoCollector(client, echo)) {
            try (Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true)
                    .batcherBuilder(BatcherBuilder.KEY_BASED).create()) {
                Sends sends = new Sends();
                for (int i = 0; i < keys * perKey; i++) {
                    sends.add(producer.newMessage().key("k" + (i % keys)).value(Integer.toString(i / keys)).sendAsync());
                }
                producer.flush();
                sends.awaitAll(Duration.ofSeconds(60));
            }
            for (long point : killPoints) {
                Process job = launch(pulsar, app, input, echo, counts, stateDir, log, "exactly-once");
                try {
                    await("progress to " + point + " echoed records (job log " + log.toAbsolutePath() + ")",
                            Duration.ofSeconds(90), () -> {
                                if (!job.isAlive()) {
                                    fail("the job exited by itself with " + job.exitValue() + "; see "
                                            + log.toAbsolutePath());
                                }
                                return collector.total.get() >= point;
                            });
                } catch (AssertionError e) {
                    job.destroyForcibly();
                    throw e;
                }
                kill9(job);
                System.out.println("CrashIT exactly-once killed the job at " + collector.total.get() + " echoed records");
            }
            Process last = launch(pulsar, app, input, echo, counts, stateDir, log, "exactly-once");
            try {
                System.out.println("CrashIT exactly-once: " + ExactOutputs.check(client, echo, counts, keys, perKey,
                        Duration.ofSeconds(120)));
                assertEquals(keys * perKey, collector.total.get(), "the collector saw each echo once");
            } finally {
                last.destroy();
                assertTrue(last.waitFor(60, TimeUnit.SECONDS), "the last job stopped on SIGTERM");
            }
        }
    }
}
