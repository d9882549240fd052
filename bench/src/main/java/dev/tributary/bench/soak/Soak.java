package dev.tributary.bench.soak;

import dev.tributary.testkit.pulsar.BrokerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * The soak: three instances of a count job and the broker, each in a JVM of its own, under a steady
 * input while random faults come one after another (kill -9 of an instance, SIGSTOP of one for 20 s,
 * SIGKILL of the broker), for a given number of minutes. Then the input stops, the outputs are read back
 * and one verdict line gives the records, the lost and duplicated ones, whether the counts are right,
 * and how long each kind of fault took to recover from (until every record published before it was in
 * the output). The publisher itself is at-least-once: a send whose receipt a broker kill lost is sent
 * again, so the input may hold a record twice; the verdict compares the outputs with the input topic
 * as it is, copy for copy.
 *
 * <pre>
 * java -jar bench/target/tributary-bench.jar soak [--minutes 10] [--guarantee exactly-once|at-least-once]
 *     [--rate 2000] [--keys 1000] [--seed N]
 * </pre>
 */
public final class Soak {
    private static final int INSTANCES = 3;
    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(5);

    private final Path dir;
    private final String guarantee;
    private final int keys;
    private final int rate;
    private final Random random;
    /** Records published, as far as the publisher knows; its retries after a broker kill may add copies. */
    private final AtomicLong published = new AtomicLong();
    /** How often each (key, seq) was echoed, by index seq × keys + key; guarded by this. */
    private int[] echoed = new int[1 << 20];
    /** How many indexes from 0 are echoed at least once; guarded by this. */
    private long echoedPrefix;
    private final AtomicBoolean publishing = new AtomicBoolean(true);
    private final Map<String, List<Long>> recoveries = new HashMap<>();
    private final List<Process> instances = new ArrayList<>();
    private BrokerProcess broker;

    private Soak(Path dir, String guarantee, int keys, int rate, long seed) {
        this.dir = dir;
        this.guarantee = guarantee;
        this.keys = keys;
        this.rate = rate;
        this.random = new Random(seed);
    }

    /**
     * Runs the soak and exits 0 if nothing was lost (and, under exactly-once, nothing duplicated).
     *
     * @param args see the class comment
     * @throws Exception if the broker or the jobs cannot start
     */
    public static void main(String[] args) throws Exception {
        int minutes = 10;
        String guarantee = "exactly-once";
        int rate = 2_000;
        int keys = 1_000;
        long seed = System.nanoTime();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = Integer.parseInt(args[++i]);
                case "--guarantee" -> guarantee = args[++i];
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--keys" -> keys = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: java -jar tributary-bench.jar soak [--minutes 10] [--guarantee"
                            + " exactly-once|at-least-once] [--rate 2000] [--keys 1000] [--seed N]");
                    System.exit(2);
                }
            }
        }
        Path dir = Files.createTempDirectory("tributary-soak-");
        System.out.println("soak: " + minutes + " min, " + guarantee + ", " + rate + " records/s over " + keys
                + " keys, seed " + seed + "; logs in " + dir);
        boolean passed = new Soak(dir, guarantee, keys, rate, seed).run(Duration.ofMinutes(minutes));
        System.exit(passed ? 0 : 1);
    }

    private boolean run(Duration length) throws Exception {
        broker = BrokerProcess.start(dir.resolve("broker"), dir.resolve("broker.log"));
        try (PulsarClient client = PulsarClient.builder().serviceUrl(broker.serviceUrl())
                .operationTimeout(60, TimeUnit.SECONDS).build()) {
            // Kept whole: the verdict reads the input and the outputs again from the start.
            broker.admin().namespaces().setRetention("public/default",
                    new org.apache.pulsar.common.policies.data.RetentionPolicies(-1, -1));
            broker.admin().topics().createPartitionedTopic("soak-in", 4);
            broker.admin().topics().createNonPartitionedTopic("soak-echo");
            broker.admin().topics().createNonPartitionedTopic("soak-counts");
            // A reader, not a subscription: after a broker kill it resumes after the last message it received,
            // where a consumer would be sent again what it had not acknowledged yet and count it twice.
            Reader<String> echoes = client.newReader(Schema.STRING).topic("soak-echo")
                    .startMessageId(org.apache.pulsar.client.api.MessageId.earliest).create();
            Thread reader = daemon("soak-echo-reader", () -> readEchoes(echoes));
            for (int i = 0; i < INSTANCES; i++) {
                instances.add(launch(i));
            }
            Thread publisher = daemon("soak-publisher", () -> publish(client));
            long end = System.nanoTime() + length.toNanos();
            int faults = 0;
            while (System.nanoTime() < end) {
                TimeUnit.SECONDS.sleep(8 + random.nextInt(12));
                if (System.nanoTime() >= end) {
                    break;
                }
                fault();
                faults++;
            }
            publishing.set(false);
            publisher.join();
            long total = published.get();
            boolean complete = awaitEchoed(total);
            int[] inputs = readInputs(client, total);
            Map<String, List<Long>> counts = readCounts(client);
            for (Process instance : instances) {
                instance.destroy();
                instance.waitFor(60, TimeUnit.SECONDS);
            }
            echoes.close();
            reader.join(5_000);
            return verdict(total, inputs, complete, counts, faults, length);
        } finally {
            for (Process instance : instances) {
                instance.destroyForcibly();
            }
            broker.close();
        }
    }

    /** One random fault, then the time until every record published before it is in the output. */
    private void fault() throws Exception {
        long mark = published.get();
        long began = System.nanoTime();
        String kind;
        int which = random.nextInt(INSTANCES);
        int dice = random.nextInt(4);
        if (dice < 2) {
            kind = "instance kill -9";
            signal("KILL", instances.get(which));
            instances.get(which).waitFor(30, TimeUnit.SECONDS);
            TimeUnit.SECONDS.sleep(3);
            instances.set(which, launch(which));
        } else if (dice == 2) {
            kind = "instance SIGSTOP 20 s";
            signal("STOP", instances.get(which));
            TimeUnit.SECONDS.sleep(20);
            signal("CONT", instances.get(which));
        } else {
            kind = "broker SIGKILL";
            broker.kill9();
            broker.restart();
        }
        boolean recovered = awaitEchoed(mark);
        long millis = recovered ? (System.nanoTime() - began) / 1_000_000 : -1;
        recoveries.computeIfAbsent(kind, k -> new ArrayList<>()).add(millis);
        System.out.println("soak: " + kind + (kind.startsWith("broker") ? "" : " of instance " + which)
                + (recovered ? ", every earlier record out " + millis + " ms after it began" : ", NOT recovered within "
                + RECOVERY_LIMIT.toMinutes() + " min"));
    }

    private Process launch(int index) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m",
                "-Dlog4j2.configurationFile=tributary-bench-log4j2.xml", "-cp", System.getProperty("java.class.path"),
                SoakJob.class.getName(), broker.serviceUrl(), broker.httpUrl(), "soak", "i" + index, "soak-in",
                "soak-echo", "soak-counts", dir.resolve("state-" + index).toString(), guarantee);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("instance-" + index + ".log").toFile()));
        return builder.start();
    }

    private static void signal(String signal, Process process) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
    }

    private void publish(PulsarClient client) {
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic("soak-in").blockIfQueueFull(true)
                .sendTimeout(0, TimeUnit.SECONDS).batcherBuilder(BatcherBuilder.KEY_BASED).create()) {
            long began = System.nanoTime();
            for (long i = 0; publishing.get(); i++) {
                producer.newMessage().key("k" + (i % keys)).value(Long.toString(i / keys)).sendAsync();
                published.set(i + 1);
                long due = began + (i + 1) * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            producer.flush();
        } catch (Exception e) {
            System.out.println("soak: the publisher stopped: " + e);
        }
    }

    private void readEchoes(Reader<String> reader) {
        try {
            while (true) {
                Message<String> message = reader.readNext();
                int index = index(message);
                synchronized (this) {
                    if (index >= echoed.length) {
                        echoed = java.util.Arrays.copyOf(echoed, Math.max(index + 1, echoed.length * 2));
                    }
                    echoed[index]++;
                    while (echoedPrefix < echoed.length && echoed[(int) echoedPrefix] > 0) {
                        echoedPrefix++;
                    }
                }
            }
        } catch (Exception e) {
            // closed at the end
        }
    }

    private int index(Message<String> message) {
        return (int) (Long.parseLong(message.getValue()) * keys + Integer.parseInt(message.getKey().substring(1)));
    }

    /** How often each (key, seq) is on the input topic: a publisher's retry after a broker kill can add a copy. */
    private int[] readInputs(PulsarClient client, long total) throws Exception {
        int[] inputs = new int[(int) total];
        for (int partition = 0; partition < 4; partition++) {
            try (Reader<String> reader = client.newReader(Schema.STRING).topic("soak-in-partition-" + partition)
                    .startMessageId(org.apache.pulsar.client.api.MessageId.earliest).create()) {
                while (reader.hasMessageAvailable()) {
                    Message<String> message = reader.readNext(30, TimeUnit.SECONDS);
                    if (message != null) {
                        inputs[index(message)]++;
                    }
                }
            }
        }
        return inputs;
    }

    private boolean awaitEchoed(long records) throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (echoedPrefix >= records) {
                    return true;
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return false;
    }

    private Map<String, List<Long>> readCounts(PulsarClient client) throws Exception {
        Map<String, List<Long>> byKey = new HashMap<>();
        try (Reader<Long> reader = client.newReader(Schema.INT64).topic("soak-counts")
                .startMessageId(org.apache.pulsar.client.api.MessageId.earliest).create()) {
            while (reader.hasMessageAvailable()) {
                Message<Long> message = reader.readNext(30, TimeUnit.SECONDS);
                if (message != null) {
                    byKey.computeIfAbsent(message.getKey(), k -> new ArrayList<>()).add(message.getValue());
                }
            }
        }
        return byKey;
    }

    private boolean verdict(long total, int[] inputs, boolean complete, Map<String, List<Long>> counts, int faults,
                            Duration length) {
        long lost = 0;
        long duplicates = 0;
        long inputCopies = 0;
        long[] perKey = new long[keys];
        synchronized (this) {
            for (int index = 0; index < total; index++) {
                int times = index < echoed.length ? echoed[index] : 0;
                lost += inputs[index] > 0 && times == 0 ? 1 : 0;
                duplicates += Math.max(0, times - inputs[index]);
                inputCopies += Math.max(0, inputs[index] - 1);
                perKey[index % keys] += inputs[index];
            }
        }
        boolean exact = guarantee.equals("exactly-once");
        String countProblem = null;
        for (int key = 0; key < keys && countProblem == null; key++) {
            List<Long> values = counts.getOrDefault("k" + key, List.of());
            long last = values.isEmpty() ? 0 : values.get(values.size() - 1);
            for (int i = 1; exact && i < values.size() && countProblem == null; i++) {
                if (values.get(i) <= values.get(i - 1)) {
                    countProblem = "k" + key + "'s counts do not rise strictly";
                }
            }
            if (countProblem == null && (exact ? last != perKey[key] : last < perKey[key])) {
                countProblem = "k" + key + " counted " + last + " of " + perKey[key];
            }
        }
        boolean recovered = recoveries.values().stream().flatMap(List::stream).allMatch(m -> m >= 0);
        boolean passed = complete && lost == 0 && (!exact || duplicates == 0) && countProblem == null && recovered;
        StringBuilder line = new StringBuilder("soak: ").append(passed ? "PASS" : "FAIL").append(' ')
                .append(guarantee).append(", ").append(length.toMinutes()).append(" min: ")
                .append(String.format(Locale.ROOT, "%,d", total)).append(" records (").append(inputCopies)
                .append(" more copies from the publisher's retries), ").append(lost).append(" lost, ")
                .append(duplicates).append(" duplicate outputs, counts ")
                .append(countProblem == null ? (exact ? "exact" : "complete") : countProblem)
                .append("; ").append(faults).append(" faults");
        recoveries.forEach((kind, millis) -> {
            List<Long> sorted = millis.stream().filter(m -> m >= 0).sorted().toList();
            line.append("; ").append(millis.size()).append(" × ").append(kind);
            if (!sorted.isEmpty()) {
                line.append(String.format(Locale.ROOT, " (recovered in %.1f s median, %.1f s max)",
                        sorted.get(sorted.size() / 2) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0));
            }
        });
        System.out.println(line);
        return passed;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
