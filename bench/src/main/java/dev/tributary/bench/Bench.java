package dev.tributary.bench;

import dev.tributary.dsl.Consumed;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.ProcessingGuarantee;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/**
 * Runs the benchmark scenarios for Tributary and for hand-written raw-client baselines on one
 * embedded broker, with the same data, and prints a table of throughput, the ratio to the baseline
 * and CPU time per record.
 *
 * <pre>
 * java -jar bench/target/tributary-bench.jar [--quick | --full] [--scenarios B1,B2,B3,B4,B5,B7,B8,B9,B10] [--records N]
 *     [--broker embedded|process] [--set job.setting=value ...]
 * java -jar bench/target/tributary-bench.jar soak [--minutes 10] [--guarantee exactly-once|at-least-once]
 * java -jar bench/target/tributary-bench.jar growth [--sizes 10000,100000,1000000,10000000] [--passes 3]
 *     [--min-records 500000] [--plot FILE.png] [--set job.setting=value ...]
 * </pre>
 */
public final class Bench {
    /** A JSON value of about 100 bytes for B2. */
    public static final class Order {
        public long id;
        public String user;
        public double amount;
        public String country;
        public String note;

        public Order() {
        }

        Order(long id, String user, double amount, String country, String note) {
            this.id = id;
            this.user = user;
            this.amount = amount;
            this.country = country;
            this.note = note;
        }
    }

    private static final Schema<Order> ORDERS = Schema.JSON(Order.class);
    /** Each run's own: a job setting given on the command line may not replace them. */
    private static final Set<String> RUNNER_SETTINGS = Set.of(RuntimeOptions.APPLICATION_ID.key(),
            RuntimeOptions.SERVICE_URL.key(), RuntimeOptions.ADMIN_URL.key(), RuntimeOptions.STATE_DIR.key());

    private final BenchBroker pulsar;
    private final PrintStream out;
    private final long records;
    private final Configuration jobSettings;
    private final int repetitions;
    private final Path work;
    /** Shared by every Bench of the process (warm-up and measured runs use one broker). */
    private static int sequence;

    /** A name no other run of the process uses, for an application or a directory. */
    static String unique(String prefix) {
        return prefix + "-" + (++sequence);
    }
    /** B8's fixed rate: half the raw loop's B1 throughput in the first pass that measured it. */
    private double latencyRate;

    Bench(BenchBroker pulsar, PrintStream out, long records, int repetitions, Path work) {
        this(pulsar, out, records, repetitions, work, Configuration.empty());
    }

    /** @param jobSettings added to every Tributary job's settings (the smoke test starts jobs with fewer key groups) */
    Bench(BenchBroker pulsar, PrintStream out, long records, int repetitions, Path work, Configuration jobSettings) {
        this.jobSettings = jobSettings;
        this.pulsar = pulsar;
        this.out = out;
        this.records = records;
        this.repetitions = repetitions;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "tributary-bench-log4j2.xml");
        }
        if (args.length > 0 && args[0].equals("growth")) {
            Growth.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("soak")) {
            dev.tributary.bench.soak.Soak.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        boolean full = Arrays.asList(args).contains("--full");
        long records = full ? 1_000_000 : 200_000;
        Set<String> scenarios = new TreeSet<>(List.of("B1", "B2", "B3", "B4", "B5", "B7", "B8", "B9", "B10"));
        Configuration settings = Configuration.empty();
        boolean ownProcess = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--broker") && i + 1 < args.length
                    && (args[i + 1].equals("process") || args[i + 1].equals("embedded"))) {
                ownProcess = args[++i].equals("process");
            } else if (args[i].equals("--records")) {
                records = Long.parseLong(args[++i]);
            } else if (args[i].equals("--scenarios")) {
                scenarios = new TreeSet<>(Arrays.asList(args[++i].toUpperCase(Locale.ROOT).split(",")));
            } else if (args[i].equals("--set") && i + 1 < args.length && args[i + 1].indexOf('=') > 0) {
                String setting = args[++i];
                String key = setting.substring(0, setting.indexOf('='));
                if (RUNNER_SETTINGS.contains(key)) {
                    System.err.println("--set " + key + ": the runner sets " + RUNNER_SETTINGS + " itself");
                    System.exit(2);
                }
                settings = settings.with(key, setting.substring(key.length() + 1));
            } else if (!args[i].equals("--quick") && !args[i].equals("--full")) {
                System.err.println("usage: java -jar tributary-bench.jar [--quick | --full] [--scenarios B1,B2,B3,B4,B5,B7,B8,B9,B10]"
                        + " [--records N] [--broker embedded|process] [--set job.setting=value ...]");
                System.exit(2);
            }
        }
        Path work = WorkDirectories.create("tributary-bench-");
        try (BenchBroker pulsar = ownProcess ? BenchBroker.process(work.resolve("broker"))
                : BenchBroker.embedded(EmbeddedPulsar.builder().dataDirectory(work.resolve("broker")).build().start())) {
            if (full) {
                // Warm-up: every code path compiled and the broker's caches populated; nothing of it is reported.
                System.out.println("Warming up...");
                new Bench(pulsar, new PrintStream(java.io.OutputStream.nullOutputStream()), Math.max(10_000, records / 10),
                        1, work, settings).run(scenarios);
            }
            Bench bench = new Bench(pulsar, System.out, records, full ? 3 : 1, work, settings);
            List<Result> results = bench.run(scenarios);
            bench.print(results);
        }
        System.exit(0);
    }

    List<Result> run(Set<String> scenarios) throws Exception {
        out.printf("Machine: %d cores, %s %s, Java %s; broker: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), pulsar.describe());
        out.printf("%,d records per run, %d repetition(s), values of about 100 bytes, 10,000 keys from seed 42%n%n",
                records, repetitions);
        if (!jobSettings.asMap().isEmpty()) {
            out.printf("Tributary jobs run with %s%n", jobSettings.asMap());
        }
        List<Result> results = new ArrayList<>();
        for (int rep = 0; rep < repetitions; rep++) {
            if (scenarios.contains("B1")) {
                report(results, passThrough());
            }
            if (scenarios.contains("B2")) {
                report(results, mapFilter());
            }
            if (scenarios.contains("B3")) {
                report(results, KeyedState.keyedCounts(this, pulsar, records, work));
            }
            if (scenarios.contains("B4")) {
                report(results, WindowedCounts.scenario(this, pulsar, records, work));
            }
            if (scenarios.contains("B5")) {
                report(results, StreamTableJoins.scenario(this, pulsar, records, work));
            }
            if (scenarios.contains("B7")) {
                report(results, KeyedState.restore(this, pulsar, records, work).results());
            }
            if (scenarios.contains("B8")) {
                report(results, latency(results));
            }
            if (scenarios.contains("B9")) {
                report(results, ExactlyOnceCost.scenario(this, pulsar, records, work));
            }
            if (scenarios.contains("B10")) {
                report(results, QueryCost.scenario(this, pulsar, records));
            }
        }
        return results;
    }

    /** The settings added to every Tributary job of the run. */
    Configuration jobSettings() {
        return jobSettings;
    }

    String topic(String name) throws Exception {
        String topic = "persistent://public/default/bench-" + name + "-" + (++sequence);
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        return topic;
    }

    private static String key(Random random) {
        return "key-" + random.nextInt(10_000);
    }

    String publishText() throws Exception {
        return publishText(Keys.uniform(10_000));
    }

    String publishText(Keys keys) throws Exception {
        String topic = topic("text");
        char[] pad = new char[96];
        Arrays.fill(pad, 'x');
        String value = new String(pad);
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).blockIfQueueFull(true).create()) {
            for (long i = 0; i < records; i++) {
                producer.newMessage().key(keys.next()).value(value).sendAsync();
            }
            producer.flush();
        }
        return topic;
    }

    private String publishOrders() throws Exception {
        String topic = topic("orders");
        Random random = new Random(42);
        try (PulsarClient client = pulsar.newClient();
             Producer<Order> producer = client.newProducer(ORDERS).topic(topic).blockIfQueueFull(true).create()) {
            for (long i = 0; i < records; i++) {
                String key = key(random);
                producer.newMessage().key(key).value(new Order(i, key, random.nextInt(10_000) / 100.0,
                        random.nextBoolean() ? "de" : "fr", "n")).sendAsync();
            }
            producer.flush();
        }
        return topic;
    }

    private Result tributary(String scenario, String variant, Topology topology, Configuration extra) throws Exception {
        return tributary(scenario, variant, topology, extra, job -> { });
    }

    /** @param beforeClose looks at the job after the timed run, before it closes (untimed) */
    Result tributary(String scenario, String variant, Topology topology, Configuration extra,
                             java.util.function.Consumer<JobRunner> beforeClose) throws Exception {
        return tributary(scenario, variant, topology, extra, 0, records, beforeClose);
    }

    /**
     * @param untimed how many records the job processes before the clock starts (a table it loads first)
     * @param timed how many records are timed after those
     */
    Result tributary(String scenario, String variant, Topology topology, Configuration extra, long untimed,
                     long timed, java.util.function.Consumer<JobRunner> beforeClose) throws Exception {
        return tributary(scenario, variant, topology, extra, untimed, timed, job -> { }, beforeClose);
    }

    /** @param afterStart runs once the job has started, before the clock starts (untimed): a load beside it */
    Result tributary(String scenario, String variant, Topology topology, Configuration extra, long untimed,
                     long timed, java.util.function.Consumer<JobRunner> afterStart,
                     java.util.function.Consumer<JobRunner> beforeClose) throws Exception {
        String app = "bench-" + (++sequence);
        Configuration config = Configuration.empty()
                .with(RuntimeOptions.APPLICATION_ID, app)
                .with(RuntimeOptions.SERVICE_URL, pulsar.serviceUrl())
                .with(RuntimeOptions.ADMIN_URL, pulsar.httpUrl())
                .with(RuntimeOptions.STATE_DIR, work.resolve("state").toString())
                .withAll(jobSettings)
                .withAll(extra);
        String thread = "tributary-" + app;
        Cpu cpu = new Cpu(name -> name.startsWith(thread) || name.startsWith("pulsar-client"));
        JobRunner job = new JobRunner(topology, config).start();
        afterStart.accept(job);
        while (job.processedRecords() < untimed) {
            if (job.failure().isPresent()) {
                throw new IllegalStateException("the job failed", job.failure().get());
            }
            Thread.sleep(1);
        }
        cpu.sample();
        long cpuBefore = cpu.nanos();
        long began = System.nanoTime();
        while (job.processedRecords() < untimed + timed) {
            if (job.failure().isPresent()) {
                throw new IllegalStateException("the job failed", job.failure().get());
            }
            Thread.sleep(2);
            cpu.sample();
        }
        // The run ends with the commit that acknowledges the last record, as the raw loop's does; closing
        // the job (and its client) is not timed, as the raw loop's closing is not.
        long commitsAtEnd = job.commits();
        while (job.commits() == commitsAtEnd) {
            Thread.sleep(1);
        }
        long nanos = System.nanoTime() - began;
        cpu.sample();
        long cpuNanos = cpu.nanos() - cpuBefore;
        beforeClose.accept(job);
        job.close();
        return new Result(scenario, variant, false, timed, nanos, cpuNanos);
    }

    static Result baseline(Result result) {
        return new Result(result.scenario(), result.variant(), true, result.records(), result.nanos(), result.cpuNanos());
    }

    /** B1: consume and produce unchanged. */
    private List<Result> passThrough() throws Exception {
        String input = publishText();
        List<Result> results = new ArrayList<>();
        results.add(baseline(RawLoops.run("B1 pass-through", "raw loop, default batcher", pulsar.serviceUrl(), input,
                topic("out"), Schema.STRING, Schema.STRING, BatcherBuilder.DEFAULT, records, (k, v) -> v)));
        results.add(RawLoops.run("B1 pass-through", "raw loop, KEY_BASED batcher", pulsar.serviceUrl(), input,
                topic("out"), Schema.STRING, Schema.STRING, BatcherBuilder.KEY_BASED, records, (k, v) -> v));
        for (ProducerBatching batching : List.of(ProducerBatching.DEFAULT, ProducerBatching.KEY_GROUP)) {
            StreamBuilder builder = new StreamBuilder();
            builder.stream(input, Schema.STRING)
                    .to(topic("out"), Produced.with(Schema.STRING, Schema.STRING).withBatching(batching));
            results.add(tributary("B1 pass-through", "Tributary, " + batching + " batching", builder.build(),
                    Configuration.empty()));
        }
        results.add(Functions.run("B1 pass-through", pulsar.serviceUrl(), pulsar.admin(), input, topic("out"), records,
                Functions.PassThrough.class));
        return results;
    }

    /** B2: decode JSON, drop a tenth, change a field, encode JSON. */
    private List<Result> mapFilter() throws Exception {
        String input = publishOrders();
        List<Result> results = new ArrayList<>();
        results.add(baseline(RawLoops.run("B2 map + filter JSON", "raw loop, default batcher", pulsar.serviceUrl(),
                input, topic("out"), ORDERS, ORDERS, BatcherBuilder.DEFAULT, records, (k, o) -> {
                    if (o.amount < 10) {
                        return null;
                    }
                    o.country = o.country.toUpperCase(Locale.ROOT);
                    return o;
                })));
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Consumed.with(ORDERS))
                .filter((k, o) -> o.amount >= 10)
                .mapValues(o -> {
                    o.country = o.country.toUpperCase(Locale.ROOT);
                    return o;
                })
                .to(topic("out"), Produced.with(Schema.STRING, ORDERS).withBatching(ProducerBatching.DEFAULT));
        results.add(tributary("B2 map + filter JSON", "Tributary, DEFAULT batching", builder.build(),
                Configuration.empty()));
        return results;
    }

    /** Used heap after a full collection: the job's share is the difference while it runs. */
    static long heapAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /**
     * B8: end-to-end latency of pass-through at half the raw loop's B1 throughput (measured now if B1
     * did not run), for the raw loop tuned for latency (1 ms producer delay) and for Tributary.
     */
    private List<Result> latency(List<Result> soFar) throws Exception {
        if (latencyRate == 0) {
            // Fixed at the first pass, so that repetitions measure the same load.
            double max = soFar.stream().filter(r -> r.baseline() && r.scenario().startsWith("B1"))
                    .mapToDouble(Result::perSecond).max().orElse(Double.NaN);
            if (Double.isNaN(max)) {
                max = RawLoops.run("B1 pass-through", "raw loop, default batcher", pulsar.serviceUrl(), publishText(),
                        topic("out"), Schema.STRING, Schema.STRING, BatcherBuilder.DEFAULT, records, (k, v) -> v)
                        .perSecond();
            }
            latencyRate = max / 2;
        }
        double rate = latencyRate;
        String scenario = String.format(Locale.ROOT, "B8 latency at %,.0f/s", rate);
        long timeout = (long) (records / rate * 1000) + 60_000;
        List<Result> results = new ArrayList<>();
        try (PulsarClient client = pulsar.newClient()) {
            String input = topic("latency-in");
            String output = topic("latency-out");
            Result[] loop = new Result[1];
            Thread raw = new Thread(() -> {
                try {
                    loop[0] = RawLoops.run(scenario, "raw loop, default batcher, 1 ms delay", pulsar.serviceUrl(), input,
                            output, Schema.STRING, Schema.STRING, BatcherBuilder.DEFAULT, 1, records, (k, v) -> v);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-raw-loop");
            raw.start();
            Thread.sleep(500);
            long began = System.nanoTime();
            Thread publisher = Latency.publish(client, input, records, rate);
            Latency.Percentiles percentiles = Latency.measure(client, output, records, timeout);
            long nanos = System.nanoTime() - began;
            publisher.join();
            raw.join();
            results.add(new Result(scenario, loop[0].variant(), true, records, nanos, loop[0].cpuNanos(), percentiles));
            for (String variant : List.of("DEFAULT", "KEY_GROUP", "KEY_GROUP exactly-once")) {
                ProducerBatching batching = ProducerBatching.valueOf(variant.split(" ")[0]);
                boolean exactlyOnce = variant.endsWith("exactly-once");
                String in = topic("latency-in");
                String out = topic("latency-out");
                StreamBuilder builder = new StreamBuilder();
                builder.stream(in, Schema.STRING).to(out, Produced.with(Schema.STRING, Schema.STRING).withBatching(batching));
                String app = "bench-" + (++sequence);
                Configuration config = Configuration.empty()
                        .with(RuntimeOptions.APPLICATION_ID, app)
                        .with(RuntimeOptions.SERVICE_URL, pulsar.serviceUrl())
                        .with(RuntimeOptions.ADMIN_URL, pulsar.httpUrl())
                        .with(RuntimeOptions.STATE_DIR, work.resolve("state").toString())
                        .withAll(jobSettings);
                if (exactlyOnce) {
                    config = config.with(RuntimeOptions.PROCESSING_GUARANTEE, ProcessingGuarantee.EXACTLY_ONCE);
                }
                Cpu cpu = new Cpu(name -> name.startsWith("tributary-" + app));
                try (JobRunner job = new JobRunner(builder.build(), config).start()) {
                    long start = System.nanoTime();
                    Thread feed = Latency.publish(client, in, records, rate);
                    Latency.Percentiles measured = Latency.measure(client, out, records, timeout);
                    long took = System.nanoTime() - start;
                    feed.join();
                    results.add(new Result(scenario, "Tributary, " + batching + " batching"
                            + (exactlyOnce ? ", exactly-once" : ""), false, records, took, cpu.nanos(), measured));
                }
            }
        }
        return results;
    }

    private void report(List<Result> all, List<Result> scenario) {
        all.addAll(scenario);
        for (Result r : scenario) {
            out.printf("  done: %s / %s: %,.0f records/s%s%n", r.scenario(), r.variant(), r.perSecond(),
                    r.latency() == null ? "" : String.format(Locale.ROOT, ", p99 %.1f ms", r.latency().p99()));
        }
    }

    /**
     * Prints one row per scenario and variant: with repetitions, the median and the spread (lowest to
     * highest) over them; ratios are of medians.
     */
    void print(List<Result> results) {
        java.util.Map<String, List<Result>> runs = new java.util.LinkedHashMap<>();
        for (Result result : results) {
            runs.computeIfAbsent(result.scenario() + "\u0000" + result.variant(), k -> new ArrayList<>()).add(result);
        }
        boolean repeated = runs.values().stream().anyMatch(list -> list.size() > 1);
        out.println();
        out.printf("%-26s %-46s %12s %8s %14s%s%n", "scenario", "variant", "records/s", "ratio", "CPU us/record",
                repeated ? "   spread (records/s, lowest-highest)" : "");
        for (List<Result> list : runs.values()) {
            Result first = list.get(0);
            List<Result> base = runs.values().stream().filter(l -> l.get(0).baseline()
                    && l.get(0).scenario().equals(first.scenario())).findFirst().orElse(list);
            if (first.latency() == null) {
                double rate = median(list, Result::perSecond);
                String spread = list.size() < 2 ? "" : String.format(Locale.ROOT, "   %,.0f-%,.0f",
                        list.stream().mapToDouble(Result::perSecond).min().orElse(0),
                        list.stream().mapToDouble(Result::perSecond).max().orElse(0));
                String heap = first.heapBytes() < 0 ? "" : String.format(Locale.ROOT, "   heap +%.0f MB",
                        median(list, r -> r.heapBytes()) / (1 << 20));
                out.printf("%-26s %-46s %,12.0f %8.2f %14.2f%s%s%n", first.scenario(), first.variant(), rate,
                        rate / median(base, Result::perSecond), median(list, Result::cpuMicrosPerRecord), spread, heap);
            } else {
                double p99 = median(list, r -> r.latency().p99());
                String spread = list.size() < 2 ? "" : String.format(Locale.ROOT, " (p99 %.1f-%.1f ms)",
                        list.stream().mapToDouble(r -> r.latency().p99()).min().orElse(0),
                        list.stream().mapToDouble(r -> r.latency().p99()).max().orElse(0));
                out.printf("%-26s %-46s p50 %.1f ms, p99 %.1f ms (%.2fx the baseline's), p99.9 %.1f ms%s%n",
                        first.scenario(), first.variant(), median(list, r -> r.latency().p50()), p99,
                        p99 / median(base, r -> r.latency().p99()), median(list, r -> r.latency().p999()), spread);
            }
        }
    }

    private static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> value) {
        double[] values = results.stream().mapToDouble(value).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
