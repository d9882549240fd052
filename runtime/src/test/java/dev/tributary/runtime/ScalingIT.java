package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.await;
import static dev.tributary.runtime.PulsarTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.Sends;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several instances of a stateful count job, each in a JVM of its own, share the work by key group:
 * clean runs are exact and in per-key order, scaling moves state with its keys, {@code kill -9} loses
 * nothing, and a paused instance cannot write state it lost. The broker pings clients every 2 s, so
 * a paused instance loses its consumers within seconds.
 */
class ScalingIT {
    private static final int KEYS = 3_000;
    /** Records per key is half of this (60,000 records in all), a quarter with standbys, to keep CI short. */
    private static final int PER_KEY = 40;
    private static final int KEY_GROUPS = 64;
    /** Stated in docs/SCALING.md: a dead instance's key groups run elsewhere within this, restores included. */
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(15);
    private static final Pattern GAUGE = Pattern.compile("^(tributary_[a-z_]+)\\{[^}]*\\} ([0-9.eE+-]+)$");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final AtomicLong LAUNCHES = new AtomicLong();
    private static EmbeddedPulsar pulsar;

    @TempDir
    Path stateRoot;

    @BeforeAll
    static void startBroker() {
        pulsar = EmbeddedPulsar.builder().keepAliveInterval(Duration.ofSeconds(2)).build().start();
    }

    @AfterAll
    static void stopBroker() {
        if (pulsar != null) {
            pulsar.close();
        }
    }

    /** One job instance in its own JVM. */
    final class Instance {
        final String id;
        final Process process;
        final Path log;
        int port = -1;

        Instance(String app, Topics topics, String id) throws Exception {
            this(app, topics, id, 0);
        }

        Instance(String app, Topics topics, String id, int standbys) throws Exception {
            this(app, topics, id, standbys, "at-least-once");
        }

        Instance(String app, Topics topics, String id, int standbys, String guarantee) throws Exception {
            this.id = id;
            // A log per launch: a restarted instance must not be mistaken for its predecessor.
            this.log = Files.createDirectories(Path.of("target", "scaling-logs"))
                    .resolve(app + "-" + id + "-" + LAUNCHES.incrementAndGet() + ".log");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                    ScaleJobMain.class.getName(), pulsar.serviceUrl(), pulsar.httpUrl(), app, topics.input, topics.echo,
                    topics.counts, stateRoot.resolve(id).toString(), id, Integer.toString(standbys), guarantee);
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            this.process = builder.start();
        }

        /** Waits for the instance to serve its metrics. */
        Instance ready() throws Exception {
            await(id + " serving metrics", Duration.ofSeconds(60), () -> {
                if (!process.isAlive()) {
                    throw new AssertionError(id + " exited with " + process.exitValue() + "; see " + log.toAbsolutePath());
                }
                try {
                    for (String line : Files.readAllLines(log)) {
                        if (line.startsWith("HTTP ")) {
                            port = Integer.parseInt(line.substring(5).trim());
                            return true;
                        }
                    }
                } catch (Exception e) {
                    return false;
                }
                return false;
            });
            return this;
        }

        Map<String, Double> metrics() {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                Map<String, Double> values = new HashMap<>();
                for (String line : response.body().split("\n")) {
                    Matcher m = GAUGE.matcher(line);
                    if (m.matches()) {
                        values.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
                    }
                }
                return values;
            } catch (Exception e) {
                return Map.of();
            }
        }

        int owned() {
            return metrics().getOrDefault("tributary_key_groups_owned", -1.0).intValue();
        }

        int pending() {
            return metrics().getOrDefault("tributary_key_groups_restoring", -1.0).intValue();
        }

        void signal(String signal) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            assertEquals(0, kill.waitFor(), "kill -" + signal + " ran");
        }

        void stop() throws Exception {
            signal("TERM");
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), id + " stopped on SIGTERM");
            // 143 is the JVM's exit after its shutdown hooks ran on SIGTERM.
            assertTrue(process.exitValue() == 0 || process.exitValue() == 143, id + " exited cleanly (" + process.exitValue()
                    + "); see " + log.toAbsolutePath());
        }

        void kill9() throws Exception {
            signal("9");
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), id + " died");
        }

        String logText() throws Exception {
            return Files.readString(log);
        }

        /** Appends the instance's threads to its log, for a run that stalled. */
        void dumpThreads() throws Exception {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            jcmd.waitFor(30, TimeUnit.SECONDS);
        }
    }

    record Topics(String input, String echo, String counts) {
        static Topics create(String prefix) throws Exception {
            Topics topics = new Topics(unique(prefix + "-in"), unique(prefix + "-echo"), unique(prefix + "-counts"));
            pulsar.admin().topics().createNonPartitionedTopic("persistent://public/default/" + topics.input);
            pulsar.admin().topics().createNonPartitionedTopic("persistent://public/default/" + topics.echo);
            pulsar.admin().topics().createNonPartitionedTopic("persistent://public/default/" + topics.counts);
            return topics;
        }
    }

    /** Reads the echo and counts topics in the background: per-key sequence numbers in arrival order, last counts. */
    static final class Results implements AutoCloseable {
        final Map<String, List<Integer>> echoed = new ConcurrentHashMap<>();
        final Map<String, Long> counts = new ConcurrentHashMap<>();
        /** Every count each key was given, in arrival order. */
        final Map<String, List<Long>> countHistory = new ConcurrentHashMap<>();
        final AtomicLong echoedTotal = new AtomicLong();
        final int perKey;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Results(PulsarClient client, Topics topics, int perKey) throws Exception {
            this.perKey = perKey;
            Consumer<String> echo = client.newConsumer(Schema.STRING).topic(topics.echo).subscriptionName("verifier")
                    .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
            Consumer<Long> count = client.newConsumer(Schema.INT64).topic(topics.counts).subscriptionName("verifier")
                    .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
            threads.add(reader(echo, m -> {
                echoed.computeIfAbsent(m.getKey(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                        .add(Integer.parseInt(m.getValue()));
                echoedTotal.incrementAndGet();
            }));
            threads.add(reader(count, m -> {
                counts.put(m.getKey(), m.getValue());
                countHistory.computeIfAbsent(m.getKey(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                        .add(m.getValue());
            }));
        }

        private <T> Thread reader(Consumer<T> consumer, java.util.function.Consumer<Message<T>> sink) {
            // This reader's own redeliveries (its acknowledgements lost with a dropped connection) are not the job's
            // duplicates: a message is counted once by its id.
            java.util.Set<org.apache.pulsar.client.api.MessageId> seen = new java.util.HashSet<>();
            Thread thread = new Thread(() -> {
                try (consumer) {
                    while (running.get()) {
                        Message<T> m = consumer.receive(100, TimeUnit.MILLISECONDS);
                        if (m != null) {
                            if (seen.add(m.getMessageId())) {
                                sink.accept(m);
                            }
                            consumer.acknowledgeAsync(m);
                        }
                    }
                } catch (Exception e) {
                    if (running.get()) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "results-" + consumer.getTopic());
            thread.start();
            return thread;
        }

        boolean complete() {
            if (echoed.size() < KEYS || counts.size() < KEYS) {
                return false;
            }
            for (int key = 0; key < KEYS; key++) {
                List<Integer> seqs = echoed.get("k" + key);
                Long count = counts.get("k" + key);
                if (seqs == null || count == null || count < perKey || !seqs.contains(perKey - 1)) {
                    return false;
                }
            }
            return true;
        }

        /** Every (key, seq) is there; with exact, once each, in order, and every count is exactly the input. */
        void verify(boolean exact) {
            long duplicates = 0;
            for (int key = 0; key < KEYS; key++) {
                List<Integer> seqs;
                synchronized (echoed.get("k" + key)) {
                    seqs = new ArrayList<>(echoed.get("k" + key));
                }
                for (int seq = 0; seq < perKey; seq++) {
                    if (!seqs.contains(seq)) {
                        fail("k" + key + ":" + seq + " is missing from the output");
                    }
                }
                duplicates += seqs.size() - perKey;
                long count = counts.get("k" + key);
                if (exact) {
                    List<Integer> inOrder = new ArrayList<>();
                    for (int seq = 0; seq < perKey; seq++) {
                        inOrder.add(seq);
                    }
                    assertEquals(inOrder, seqs, "k" + key + ": outputs once each, in per-key order");
                    assertEquals(perKey, count, "k" + key + ": count exact");
                } else {
                    assertTrue(count >= perKey, "k" + key + ": count " + count + " covers every input");
                }
            }
            System.out.println("ScalingIT: " + echoedTotal.get() + " outputs for " + KEYS * perKey + " inputs, " + duplicates
                    + " duplicates");
        }

        /** What the guarantee promises after faults: exactly-once's exactness, or at-least-once's nothing lost. */
        void verify(String guarantee) {
            if (guarantee.equals("exactly-once")) {
                verifyExactlyOnce();
            } else {
                verify(false);
            }
        }

        /**
         * What exactly-once promises: every (key, seq) output once (a record redelivered after a fault may
         * be overtaken by a later one of its key, as Pulsar redelivers), and each key's counts strictly
         * increasing up to exactly its inputs.
         */
        void verifyExactlyOnce() {
            for (int key = 0; key < KEYS; key++) {
                List<Integer> seqs;
                synchronized (echoed.get("k" + key)) {
                    seqs = new ArrayList<>(echoed.get("k" + key));
                }
                java.util.Collections.sort(seqs);
                List<Integer> once = new ArrayList<>();
                for (int seq = 0; seq < perKey; seq++) {
                    once.add(seq);
                }
                assertEquals(once, seqs, "k" + key + ": every input output once");
                List<Long> history;
                synchronized (countHistory.get("k" + key)) {
                    history = new ArrayList<>(countHistory.get("k" + key));
                }
                for (int i = 1; i < history.size(); i++) {
                    assertTrue(history.get(i) > history.get(i - 1), "k" + key + ": counts strictly increasing " + history);
                }
                assertEquals(perKey, counts.get("k" + key), "k" + key + ": count exact");
            }
            System.out.println("ScalingIT: exactly-once: " + echoedTotal.get() + " outputs for " + KEYS * perKey
                    + " inputs, counts strictly increasing and exact");
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(5_000);
            }
        }
    }

    /** Publishes every record, key k{i % KEYS} with its per-key sequence number as value, at most at the rate. */
    static Thread publish(PulsarClient client, String topic, BatcherBuilder batcher, int perKey, int perSecond) {
        int records = KEYS * perKey;
        Thread thread = new Thread(() -> {
            try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).batcherBuilder(batcher)
                    .blockIfQueueFull(true).create()) {
                long began = System.nanoTime();
                Sends sends = new Sends();
                for (int i = 0; i < records; i++) {
                    sends.add(producer.newMessage().key("k" + (i % KEYS))
                            .value(Integer.toString(i / KEYS)).sendAsync());
                    if (perSecond > 0 && i % 1000 == 999) {
                        long due = began + (long) (i + 1) * 1_000_000_000L / perSecond;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                }
                producer.flush();
                sends.awaitAll(Duration.ofSeconds(60));
            } catch (Exception e) {
                throw new IllegalStateException("publishing failed", e);
            }
        }, "publisher");
        thread.start();
        return thread;
    }

    /** Waits until the live instances own every key group between them, none pending; returns how long it took. */
    static Duration awaitSettled(String what, List<Instance> live, Duration timeout) throws Exception {
        long began = System.nanoTime();
        await(what, timeout, () -> {
            int owned = 0;
            for (Instance instance : live) {
                int mine = instance.owned();
                if (mine <= 0 || instance.pending() != 0) {
                    return false;
                }
                owned += mine;
            }
            return owned == KEY_GROUPS;
        });
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        StringBuilder split = new StringBuilder();
        for (Instance instance : live) {
            split.append(instance.id).append('=').append(instance.owned()).append(' ');
        }
        System.out.println("ScalingIT: " + what + " after " + took.toMillis() + " ms: " + split.toString().trim());
        return took;
    }

    /**
     * Launches instances a, b and c (added to {@code all} at once, so that they are stopped whatever
     * happens) and waits until they share the key groups.
     */
    List<Instance> startThree(String app, Topics topics, List<Instance> all) throws Exception {
        return startThree(app, topics, all, "at-least-once");
    }

    List<Instance> startThree(String app, Topics topics, List<Instance> all, String guarantee) throws Exception {
        List<Instance> three = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            Instance instance = new Instance(app, topics, id, 0, guarantee);
            all.add(instance);
            three.add(instance);
        }
        startAll(three);
        awaitSettled("three instances share the key groups", three, Duration.ofSeconds(60));
        return three;
    }

    static List<Instance> startAll(List<Instance> instances) throws Exception {
        for (Instance instance : instances) {
            instance.ready();
        }
        return instances;
    }

    /** Prints the hand-over pauses and restore rates the instances measured. */
    static void report(List<Instance> instances) throws Exception {
        Pattern restored = Pattern.compile("restored key group \\d+: (\\d+) changelog records in (\\d+) ms");
        Pattern released = Pattern.compile("released key groups .* in (\\d+) ms");
        long records = 0;
        long millis = 0;
        List<Long> pauses = new ArrayList<>();
        for (Instance instance : instances) {
            for (String line : instance.logText().split("\n")) {
                Matcher r = restored.matcher(line);
                if (r.find()) {
                    records += Long.parseLong(r.group(1));
                    millis += Long.parseLong(r.group(2));
                }
                Matcher p = released.matcher(line);
                if (p.find()) {
                    pauses.add(Long.parseLong(p.group(1)));
                }
            }
        }
        System.out.println("ScalingIT: hand-over pauses (release: commit and free the ranges) " + pauses
                + " ms; restored " + records + " changelog records in " + millis + " ms"
                + (millis > 0 ? " (" + records * 1000 / millis + " records/s)" : ""));
    }

    private static void stopAll(List<Instance> instances) {
        for (Instance instance : instances) {
            if (instance.process.isAlive()) {
                instance.process.destroyForcibly();
            }
        }
    }

    @Test
    void inputFromTheDefaultBatcherIsForwardedToItsOwners() throws Exception {
        int perKey = PER_KEY / 2;
        int records = KEYS * perKey;
        String app = unique("scaledef");
        Topics topics = Topics.create("scaledef");
        List<Instance> instances = new ArrayList<>();
        try (PulsarClient client = pulsar.newClient(); Results results = new Results(client, topics, perKey)) {
            startThree(app, topics, instances);
            publish(client, topics.input, BatcherBuilder.DEFAULT, perKey, 0).join();
            await("every record counted", Duration.ofSeconds(120), results::complete);
            double forwarded = 0;
            for (Instance instance : instances) {
                forwarded += instance.metrics().getOrDefault("tributary_records_forwarded_total", 0.0);
            }
            for (Instance instance : instances) {
                instance.stop();
            }
            System.out.println("ScalingIT: " + (long) forwarded + " of " + records + " records arrived at an instance"
                    + " not owning their key group and were forwarded");
            assertTrue(forwarded > records / 4.0, "batches spanning key groups were forwarded: " + forwarded);
            // Forwarded copies may overtake records of their key sent directly, so order is not checked here.
            for (int key = 0; key < KEYS; key++) {
                assertEquals(perKey, results.counts.get("k" + key), "k" + key + ": count exact");
                assertEquals(perKey, results.echoed.get("k" + key).size(), "k" + key + ": output once per input");
            }
        } finally {
            stopAll(instances);
        }
    }

    @Test
    void scalingOneToThreeToTwoUnderLoadMovesStateWithItsKeys() throws Exception {
        int perKey = PER_KEY / 2;
        int records = KEYS * perKey;
        String app = unique("scale132");
        Topics topics = Topics.create("scale132");
        List<Instance> all = new ArrayList<>();
        try (PulsarClient client = pulsar.newClient(); Results results = new Results(client, topics, perKey)) {
            Instance a = new Instance(app, topics, "a");
            all.add(a);
            a.ready();
            awaitSettled("one instance owns every key group", List.of(a), Duration.ofSeconds(60));
            Thread publisher = publish(client, topics.input, BatcherBuilder.KEY_BASED, perKey, 10_000);
            await("a quarter processed", Duration.ofSeconds(60), () -> results.echoedTotal.get() > records / 4);
            Instance b = new Instance(app, topics, "b");
            Instance c = new Instance(app, topics, "c");
            all.add(b);
            all.add(c);
            startAll(List.of(b, c));
            awaitSettled("scaled out to three", List.of(a, b, c), Duration.ofSeconds(60));
            await("half processed", Duration.ofSeconds(60), () -> results.echoedTotal.get() > records / 2);
            b.stop();
            awaitSettled("scaled in to two", List.of(a, c), Duration.ofSeconds(60));
            publisher.join();
            await("every record counted", Duration.ofSeconds(120), results::complete);
            a.stop();
            c.stop();
            report(all);
            results.verify(true);
        } finally {
            stopAll(all);
        }
    }

    @Test
    void killingOneOfThreeInstancesThreeTimesLosesNothing() throws Exception {
        killOneOfThreeThreeTimes("at-least-once", PER_KEY / 2, TAKEOVER_BOUND);
    }

    /**
     * Under exactly-once the survivors' restores of a killed instance's key groups wait for its open
     * transaction to end: the take-over is bounded by the transaction timeout (10 s here) on top.
     */
    @Test
    void killingOneOfThreeInstancesThreeTimesUnderExactlyOnceIsExact() throws Exception {
        killOneOfThreeThreeTimes("exactly-once", PER_KEY / 4, TAKEOVER_BOUND.plusSeconds(10));
    }

    private void killOneOfThreeThreeTimes(String guarantee, int perKey, Duration takeoverBound) throws Exception {
        boolean exact = guarantee.equals("exactly-once");
        int records = KEYS * perKey;
        String app = unique("scalekill");
        Topics topics = Topics.create("scalekill");
        List<Instance> all = new ArrayList<>();
        try (PulsarClient client = pulsar.newClient(); Results results = new Results(client, topics, perKey)) {
            List<Instance> live = new ArrayList<>(startThree(app, topics, all, guarantee));
            Thread publisher = publish(client, topics.input, BatcherBuilder.KEY_BASED, perKey, exact ? 5_000 : 10_000);
            int round = 0;
            List<Long> takeovers = new ArrayList<>();
            for (double point : new double[] {0.2, 0.45, 0.7}) {
                await("progress to " + point, Duration.ofSeconds(90),
                        () -> results.echoedTotal.get() > records * point);
                Instance victim = live.remove(round % live.size());
                victim.kill9();
                Duration took = awaitSettled("after kill -9 of " + victim.id + ", the survivors own every key group",
                        live, takeoverBound.plusSeconds(30));
                takeovers.add(took.toMillis());
                assertTrue(took.compareTo(takeoverBound) <= 0, "key groups taken over within " + takeoverBound
                        + ", took " + took);
                Instance replacement = new Instance(app, topics, victim.id, 0, guarantee);
                all.add(replacement);
                live.add(replacement.ready());
                awaitSettled("with " + victim.id + " restarted", live, Duration.ofSeconds(60));
                round++;
            }
            System.out.println("ScalingIT: " + guarantee + " take-overs after kill -9 " + takeovers + " ms");
            publisher.join();
            await("every record counted", Duration.ofSeconds(120), results::complete);
            for (Instance instance : live) {
                instance.stop();
            }
            report(all);
            results.verify(guarantee);
        } finally {
            stopAll(all);
        }
    }

    @Test
    void aRollingRestartOfThreeInstancesLosesNothing() throws Exception {
        rollingRestart("at-least-once");
    }

    @Test
    void aRollingRestartOfThreeInstancesUnderExactlyOnceIsExact() throws Exception {
        rollingRestart("exactly-once");
    }

    /** SIGTERM each of three instances in turn under load, starting it again before the next. */
    private void rollingRestart(String guarantee) throws Exception {
        int perKey = PER_KEY / 4;
        int records = KEYS * perKey;
        String app = unique("scaleroll");
        Topics topics = Topics.create("scaleroll");
        List<Instance> all = new ArrayList<>();
        try (PulsarClient client = pulsar.newClient(); Results results = new Results(client, topics, perKey)) {
            List<Instance> live = new ArrayList<>(startThree(app, topics, all, guarantee));
            Thread publisher = publish(client, topics.input, BatcherBuilder.KEY_BASED, perKey, 2_000);
            for (int round = 0; round < 3; round++) {
                long before = results.echoedTotal.get();
                await("progress in round " + round, Duration.ofSeconds(60),
                        () -> results.echoedTotal.get() >= Math.min(before + records / 10, records));
                Instance leaving = live.remove(0);
                leaving.stop();
                awaitSettled("with " + leaving.id + " stopped", live, Duration.ofSeconds(60));
                Instance replacement = new Instance(app, topics, leaving.id, 0, guarantee);
                all.add(replacement);
                live.add(replacement.ready());
                awaitSettled("with " + leaving.id + " back", live, Duration.ofSeconds(60));
            }
            publisher.join();
            await("every record counted", Duration.ofSeconds(120), results::complete);
            for (Instance instance : live) {
                instance.stop();
            }
            report(all);
            // A graceful stop commits before it lets go, so even at-least-once repeats nothing here.
            results.verify(true);
        } finally {
            stopAll(all);
        }
    }

    @Test
    void aPausedInstanceCannotWriteTheStateItLost() throws Exception {
        pausedInstance("at-least-once", PER_KEY / 2);
    }

    /**
     * Under exactly-once the paused instance holds an open transaction with acknowledgements: its key
     * groups' new owners wait for it to time out, and nothing it does after it resumes commits.
     */
    @Test
    void aPausedInstanceUnderExactlyOnceCommitsNothingOfWhatItLost() throws Exception {
        pausedInstance("exactly-once", PER_KEY / 4);
    }

    private void pausedInstance(String guarantee, int perKey) throws Exception {
        int records = KEYS * perKey;
        String app = unique("scalezombie");
        Topics topics = Topics.create("scalezombie");
        List<Instance> all = new ArrayList<>();
        try (PulsarClient client = pulsar.newClient(); Results results = new Results(client, topics, perKey)) {
            startThree(app, topics, all, guarantee);
            Thread publisher = publish(client, topics.input, BatcherBuilder.KEY_BASED, perKey, 10_000);
            await("a third processed", Duration.ofSeconds(60), () -> results.echoedTotal.get() > records / 3);
            Instance zombie = all.get(1);
            zombie.signal("STOP");
            awaitSettled("with " + zombie.id + " paused, the others own every key group", List.of(all.get(0), all.get(2)),
                    Duration.ofSeconds(60));
            await("more processed without it", Duration.ofSeconds(60),
                    () -> results.echoedTotal.get() > records * 2 / 3);
            zombie.signal("CONT");
            awaitSettled("with " + zombie.id + " back", all, Duration.ofSeconds(60));
            publisher.join();
            try {
                await("every record counted", Duration.ofSeconds(120), results::complete);
            } catch (AssertionError stalled) {
                for (Instance instance : all) {
                    instance.dumpThreads();
                }
                throw new AssertionError(stalled.getMessage() + "; the instances' threads are at the end of their logs ("
                        + zombie.log.toAbsolutePath().getParent() + "); the broker's view of the input: "
                        + brokerView(topics.input, app), stalled);
            }
            for (Instance instance : all) {
                instance.stop();
            }
            assertTrue(zombie.logText().contains("dropping uncommitted work"),
                    "the resumed instance noticed it had lost its key groups; see " + zombie.log.toAbsolutePath());
            assertChangelogWritersNeverInterleave(client, app);
            results.verify(guarantee);
        } finally {
            stopAll(all);
        }
    }

    /** The subscription's stats and its cursor, for a stall's report: what the broker holds back and for whom. */
    private static String brokerView(String topic, String subscription) {
        String name = "persistent://public/default/" + topic;
        try {
            var stats = pulsar.admin().topics().getStats(name).getSubscriptions().get(subscription);
            var cursor = pulsar.admin().topics().getInternalStats(name).cursors.get(subscription);
            return "subscription " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(stats)
                    + "; cursor " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(cursor);
        } catch (Exception e) {
            return "unavailable (" + e + ")";
        }
    }

    @Test
    void aStandbyCopyMakesTheTakeOverRestoreOnlyATail() throws Exception {
        int perKey = PER_KEY / 4;
        String app = unique("scalestandby");
        Topics topics = Topics.create("scalestandby");
        List<Instance> all = new ArrayList<>();
        try (PulsarClient client = pulsar.newClient(); Results results = new Results(client, topics, perKey)) {
            Instance a = new Instance(app, topics, "a", 1);
            Instance b = new Instance(app, topics, "b", 1);
            all.add(a);
            all.add(b);
            startAll(all);
            awaitSettled("two instances with standby copies share the key groups", all, Duration.ofSeconds(60));
            publish(client, topics.input, BatcherBuilder.KEY_BASED, perKey, 0).join();
            await("every record counted", Duration.ofSeconds(120), results::complete);
            // After the last commit (100 ms), the standby copies read their changelogs to the end once more.
            long countedAt = System.currentTimeMillis() + 500;
            await("b's standby copies caught up", Duration.ofSeconds(30), () -> {
                Map<String, Double> m = b.metrics();
                return m.getOrDefault("tributary_key_groups_standby", 0.0) > 0
                        && m.getOrDefault("tributary_standby_caught_up_time_ms", 0.0) > countedAt;
            });
            int taken = a.owned();
            double before = b.metrics().getOrDefault("tributary_restore_records_total", 0.0);
            a.kill9();
            awaitSettled("b took a's key groups over", List.of(b), TAKEOVER_BOUND);
            double tail = b.metrics().getOrDefault("tributary_restore_records_total", 0.0) - before;
            long keysTaken = (long) KEYS * taken / KEY_GROUPS;
            System.out.println("ScalingIT: taking over " + taken + " key groups (about " + keysTaken + " keys) from a"
                    + " standby copy restored " + (long) tail + " changelog records");
            assertTrue(tail < keysTaken / 10.0, "the take-over restored only a tail: " + tail + " records for about "
                    + keysTaken + " keys");
            b.stop();
            results.verify(false);
        } finally {
            stopAll(all);
        }
    }

    /**
     * In every changelog partition, each producer's writes are contiguous: once another instance's
     * producer has written a key group, the fenced one never writes it again.
     */
    private static void assertChangelogWritersNeverInterleave(PulsarClient client, String app) throws Exception {
        // The count's changelog, and under exactly-once the redelivery guard's too.
        List<String> changelogs = pulsar.admin().topics().getPartitionedTopicList("public/default").stream()
                .filter(t -> t.contains("/" + app + "-") && t.endsWith("-changelog")).toList();
        assertTrue(changelogs.size() == 1 || changelogs.size() == 2, "the job's changelogs: " + changelogs);
        long messages = 0;
        for (String changelog : changelogs) {
            messages += writesNeverInterleave(client, changelog);
        }
        System.out.println("ScalingIT: " + messages + " changelog writes checked, no fenced writer wrote again");
    }

    private static long writesNeverInterleave(PulsarClient client, String changelog) throws Exception {
        long messages = 0;
        for (int partition = 0; partition < KEY_GROUPS; partition++) {
            List<String> writers = new ArrayList<>();
            try (Reader<byte[]> reader = client.newReader(Schema.BYTES).topic(changelog + "-partition-" + partition)
                    .startMessageId(MessageId.earliest).create()) {
                while (reader.hasMessageAvailable()) {
                    Message<byte[]> m = reader.readNext(5, TimeUnit.SECONDS);
                    if (m == null) {
                        break;
                    }
                    messages++;
                    String writer = m.getProducerName();
                    if (writers.isEmpty() || !writers.get(writers.size() - 1).equals(writer)) {
                        if (writers.contains(writer)) {
                            fail(changelog + " partition " + partition + ": producer " + writer + " wrote again after "
                                    + writers.get(writers.size() - 1) + " took over");
                        }
                        writers.add(writer);
                    }
                }
            }
        }
        return messages;
    }
}
