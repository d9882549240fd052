package dev.tributary.bench;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.state.Materialized;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.RuntimeOptions;
import java.net.URI;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/**
 * B10: interactive queries. The keyed count's throughput with and without 1,000 queries/s against it,
 * and the latency of a query answered by the instance asked and of one it forwards to the key's owner,
 * while two instances run at half the count's rate.
 */
final class QueryCost {
    private static final int KEYS = 10_000;
    private static final int QUERIES_PER_SECOND = 1_000;
    private static final int QUERY_THREADS = 4;

    private QueryCost() {
    }

    private static Topology counts(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).groupByKey().count(Materialized.as("counts")).toStream()
                .to(output, Produced.with(Schema.STRING, Schema.INT64).withBatching(ProducerBatching.KEY_GROUP));
        return builder.build();
    }

    private static Configuration served() {
        return Configuration.empty().with(RuntimeOptions.HTTP_ENABLED, true).with(RuntimeOptions.HTTP_PORT, 0);
    }

    static List<Result> scenario(Bench bench, BenchBroker pulsar, long records) throws Exception {
        List<Result> results = new ArrayList<>();
        String throughput = "B10 keyed count + queries";
        String input = bench.publishText(Keys.uniform(KEYS));
        Result quiet = Bench.baseline(bench.tributary(throughput, "Tributary, no queries", counts(input,
                bench.topic("out")), served(), 0, records, job -> { }, job -> { }));
        results.add(quiet);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong answered = new AtomicLong();
        List<Thread> askers = new ArrayList<>();
        long[] askedFor = new long[2];
        double[] longestWait = new double[1];
        Result busy = bench.tributary(throughput, "Tributary, " + QUERIES_PER_SECOND + " queries/s", counts(input,
                        bench.topic("out")), served(), 0, records,
                job -> {
                    askedFor[0] = System.nanoTime();
                    for (int i = 0; i < QUERY_THREADS; i++) {
                        askers.add(ask(job.httpPort(), QUERIES_PER_SECOND / QUERY_THREADS, stop, answered));
                    }
                },
                job -> {
                    stop.set(true);
                    askedFor[1] = System.nanoTime();
                    longestWait[0] = job.meterRegistry().get("tributary.queries.task.wait.max").gauge().value();
                });
        for (Thread asker : askers) {
            asker.join();
        }
        results.add(busy);
        System.out.printf(Locale.ROOT, "  B10: %,d queries answered at %,.0f/s beside the count; the processing thread"
                + " waited at most %.3f ms for a query's read%n", answered.get(),
                answered.get() * 1e9 / Math.max(1, askedFor[1] - askedFor[0]), longestWait[0] * 1e3);
        results.addAll(latency(bench, pulsar, records, quiet.perSecond() / 2));
        return results;
    }

    /** A thread sending GETs of random keys at a steady rate until stopped. */
    private static Thread ask(int port, int perSecond, AtomicBoolean stop, AtomicLong answered) {
        HttpClient http = HttpClient.newHttpClient();
        Thread thread = new Thread(() -> {
            long interval = 1_000_000_000L / perSecond;
            long next = System.nanoTime();
            while (!stop.get()) {
                next += interval;
                String key = "key-" + ThreadLocalRandom.current().nextInt(KEYS);
                try {
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/stores/counts/keys/" + key)).build(), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200 || response.statusCode() == 404) {
                        answered.incrementAndGet();
                    }
                } catch (java.io.IOException e) {
                    // The job closing under the last queries.
                } catch (InterruptedException e) {
                    return;
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }, "bench-query");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Two instances count records published at the given rate; instance a is asked keys it owns and keys
     * instance b owns (which it forwards), one query at a time, each timed.
     */
    private static List<Result> latency(Bench bench, BenchBroker pulsar, long records, double rate)
            throws Exception {
        String scenario = "B10 query latency";
        String input = bench.topic("text");
        String app = "bench-queries-" + System.nanoTime();
        Path state = WorkDirectories.create("tributary-bench-queries-");
        List<JobRunner> jobs = new ArrayList<>();
        List<String> local = new ArrayList<>();
        List<String> forwarded = new ArrayList<>();
        // At least 20 s of queries beside the job (3 s in a smoke run of a few records).
        long seconds = records >= 100_000 ? 20 : 3;
        long published = Math.max(records / 2, (long) (rate * seconds));
        try (PulsarClient client = pulsar.newClient()) {
            for (String instance : List.of("a", "b")) {
                jobs.add(new JobRunner(counts(input, bench.topic("out")), served().withAll(bench.jobSettings())
                        .with(RuntimeOptions.APPLICATION_ID, app)
                        .with(RuntimeOptions.INSTANCE_ID, instance)
                        .with(RuntimeOptions.SERVICE_URL, pulsar.serviceUrl())
                        .with(RuntimeOptions.ADMIN_URL, pulsar.httpUrl())
                        .with(RuntimeOptions.STATE_DIR, state.resolve(instance).toString())).start());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int keyGroups = bench.jobSettings().get(RuntimeOptions.KEY_GROUPS);
            while (jobs.get(0).ownedKeyGroups() + jobs.get(1).ownedKeyGroups() < keyGroups
                    || jobs.get(0).ownedKeyGroups() == 0 || jobs.get(1).ownedKeyGroups() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the two instances did not share the key groups within 60 s");
                }
                Thread.sleep(50);
            }
            for (int k = 0; k < KEYS; k++) {
                String key = "key-" + k;
                (jobs.get(0).metadataForKey("counts", key).owner().equals("a") ? local : forwarded).add(key);
            }
            Thread publisher = Latency.publish(client, input, published, rate);
            long[] localNanos = new long[1 << 20];
            long[] forwardedNanos = new long[1 << 20];
            int localCount = 0;
            int forwardedCount = 0;
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + jobs.get(0).httpPort() + "/stores/counts/keys/";
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long warmUpEnds = System.nanoTime() + Duration.ofSeconds(seconds / 10 + 1).toNanos() / 2;
            while (publisher.isAlive() && localCount < localNanos.length && forwardedCount < forwardedNanos.length) {
                boolean remote = random.nextBoolean();
                List<String> keys = remote ? forwarded : local;
                String key = keys.get(random.nextInt(keys.size()));
                long began = System.nanoTime();
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(base + key)).build(),
                        HttpResponse.BodyHandlers.discarding());
                long took = System.nanoTime() - began;
                if (began < warmUpEnds || (response.statusCode() != 200 && response.statusCode() != 404)) {
                    continue;
                }
                if (remote) {
                    forwardedNanos[forwardedCount++] = took;
                } else {
                    localNanos[localCount++] = took;
                }
                // About 1,000 queries a second in all: the job, not the querying, is what runs at full speed.
                LockSupport.parkNanos(1_000_000);
            }
            publisher.join();
            List<Result> results = new ArrayList<>();
            System.out.printf(Locale.ROOT, "  B10: query latency with two instances counting %,.0f records/s%n", rate);
            results.add(new Result(scenario, "answered by the instance asked", true, localCount, 1, 0,
                    Latency.Percentiles.of(localNanos, localCount)));
            results.add(new Result(scenario, "forwarded to the key's owner", false, forwardedCount, 1, 0,
                    Latency.Percentiles.of(forwardedNanos, forwardedCount)));
            return results;
        } finally {
            jobs.forEach(JobRunner::close);
        }
    }
}
