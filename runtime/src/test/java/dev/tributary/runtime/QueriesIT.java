package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.TimeWindows;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.config.Secret;
import dev.tributary.dsl.state.Materialized;
import dev.tributary.dsl.state.ReadOnlyKeyValueStore;
import dev.tributary.dsl.state.ReadOnlyWindowStore;
import dev.tributary.runtime.query.KeyQueryMetadata;
import dev.tributary.runtime.query.QueryableStoreTypes;
import dev.tributary.runtime.query.StoreUnavailableException;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interactive queries against running instances on a real broker: every key asked of every instance,
 * keys and stores that do not exist, a window store by key and time, a token, and queries that keep
 * coming while the job scales out.
 */
@ExtendWith(PulsarExtension.class)
class QueriesIT {
    private static final int KEYS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    static Topology topology(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        var grouped = builder.stream(input, Schema.STRING).groupByKey();
        grouped.count(Materialized.as("counts")).toStream().to(output, dev.tributary.dsl.Produced.with(Schema.STRING,
                Schema.INT64));
        grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofHours(1))).count(Materialized.as("hourly"));
        return builder.build();
    }

    private static Configuration settings(EmbeddedPulsar pulsar, String app, String instance, Path dir) {
        return config(pulsar, app).with(RuntimeOptions.INSTANCE_ID, instance)
                .with(RuntimeOptions.STATE_DIR, dir.toString())
                .with(RuntimeOptions.HTTP_ENABLED, true)
                .with(RuntimeOptions.HTTP_PORT, 0)
                .with(RuntimeOptions.COMMIT_INTERVAL, Duration.ofMillis(200));
    }

    private record Reply(int status, JsonNode body, String retryAfter) {
    }

    private Reply get(JobRunner job, String path, String token) {
        try {
            return send(job, path, token);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Reply send(JobRunner job, String path, String token) throws java.io.IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + job.httpPort() + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()),
                response.headers().firstValue("Retry-After").orElse(null));
    }

    private static String key(int i) {
        return "word-" + i;
    }

    private static void publish(PulsarClient client, String topic, Map<String, Integer> counts, int rounds)
            throws Exception {
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).enableBatching(false).create()) {
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < KEYS; i++) {
                    if (i % 4 <= round % 4) {
                        producer.newMessage().key(key(i)).value("x").send();
                        counts.merge(key(i), 1, Integer::sum);
                    }
                }
            }
        }
    }

    @Test
    void everyInstanceAnswersEveryKeyAndSaysWhatIsMissing(EmbeddedPulsar pulsar, @TempDir Path a, @TempDir Path b,
                                                         @TempDir Path c) throws Exception {
        String input = unique("q-in");
        String app = unique("q");
        createTopic(pulsar, input);
        Map<String, Integer> expected = new HashMap<>();
        List<JobRunner> jobs = new ArrayList<>();
        try (PulsarClient client = pulsar.newClient()) {
            publish(client, input, expected, 8);
            int total = expected.values().stream().mapToInt(Integer::intValue).sum();
            for (var instance : List.of(Map.entry("a", a), Map.entry("b", b), Map.entry("c", c))) {
                jobs.add(new JobRunner(topology(input, unique("q-out")), settings(pulsar, app, instance.getKey(),
                        instance.getValue()).with(RuntimeOptions.STANDBY_REPLICAS, 1)).start());
            }
            await("three instances own every key group", Duration.ofSeconds(60),
                    () -> jobs.stream().mapToInt(JobRunner::ownedKeyGroups).sum() == 64
                            && jobs.stream().allMatch(job -> job.ownedKeyGroups() > 0));
            await("every count queryable on instance a", Duration.ofSeconds(60), () -> {
                for (String word : expected.keySet()) {
                    Reply reply = get(jobs.get(0), "/stores/counts/keys/" + word, null);
                    if (reply.status() != 200 || reply.body().get("value").asInt() != expected.get(word)) {
                        return false;
                    }
                }
                return true;
            });
            for (JobRunner job : jobs) {
                for (Map.Entry<String, Integer> word : expected.entrySet()) {
                    Reply reply = get(job, "/stores/counts/keys/" + word.getKey(), null);
                    assertEquals(200, reply.status(), reply.body().toString());
                    assertEquals(word.getKey(), reply.body().get("key").asText());
                    assertEquals(word.getValue().intValue(), reply.body().get("value").asInt(),
                            "instance " + job.instanceId() + ", " + word.getKey());
                    Reply windows = get(job, "/stores/hourly/keys/" + word.getKey() + "?from=0&to="
                            + System.currentTimeMillis(), null);
                    assertEquals(200, windows.status(), windows.body().toString());
                    int inWindows = 0;
                    for (JsonNode window : windows.body().get("windows")) {
                        assertEquals(Duration.ofHours(1).toMillis(), window.get("end").asLong() - window.get("start").asLong());
                        inWindows += window.get("value").asInt();
                    }
                    assertEquals(word.getValue().intValue(), inWindows, "windows of " + word.getKey());
                }
            }
            JobRunner first = jobs.get(0);
            Reply missingKey = get(first, "/stores/counts/keys/no-such-word", null);
            assertEquals(404, missingKey.status());
            assertTrue(missingKey.body().get("error").asText().contains("no value for key 'no-such-word'"));
            Reply missingStore = get(first, "/stores/no-such-store/keys/x", null);
            assertEquals(404, missingStore.status());
            assertEquals("[\"counts\",\"hourly\"]", missingStore.body().get("stores").toString());
            Reply listing = get(first, "/stores", null);
            assertEquals("key-value", listing.body().get("stores").get(0).get("type").asText());
            assertEquals("window", listing.body().get("stores").get(1).get("type").asText());
            Reply range = get(first, "/stores/counts/keys?from=word-1&to=word-2", null);
            assertEquals(200, range.status(), range.body().toString());
            List<String> ranged = new ArrayList<>();
            range.body().get("entries").forEach(entry -> ranged.add(entry.get("key").asText()));
            assertEquals(expected.keySet().stream().filter(k -> k.compareTo("word-1") >= 0 && k.compareTo("word-2") <= 0)
                    .sorted().toList(), ranged);
            Reply all = get(first, "/stores/counts/keys?limit=1000", null);
            int sum = 0;
            for (JsonNode entry : all.body().get("entries")) {
                sum += entry.get("value").asInt();
            }
            assertEquals(total, sum, "a range over every instance");
            assertEquals(400, get(first, "/stores/counts/keys?from=a", null).status());
            assertEquals(400, get(first, "/stores/counts/keys?limit=0", null).status());
            assertEquals(400, get(first, "/stores/hourly/keys/a?from=yesterday", null).status());

            // Stale reads only when asked: the key's standby answers from its copy and says how old it is.
            String probe = expected.keySet().iterator().next();
            KeyQueryMetadata of = first.metadataForKey("counts", probe);
            assertEquals(1, of.standbys().size(), "a standby with standby.replicas=1");
            JobRunner standby = jobs.stream().filter(job -> job.instanceId().equals(of.standbys().get(0))).findFirst()
                    .orElseThrow();
            await("the standby's stale answer", Duration.ofSeconds(30), () -> {
                Reply stale = get(standby, "/stores/counts/keys/" + probe + "?stale=true", null);
                return stale.status() == 200 && stale.body().path("stale").asBoolean()
                        && stale.body().get("lagMs").asLong() >= 0
                        && stale.body().get("value").asInt() == expected.get(probe)
                        && stale.body().get("instance").asText().equals(standby.instanceId());
            });
            Reply fresh = get(standby, "/stores/counts/keys/" + probe, null);
            assertEquals(of.owner(), fresh.body().get("instance").asText(), "without stale=true the owner answers");
            assertFalse(fresh.body().has("stale"));
            assertTrue(first.meterRegistry().find("tributary.queries").tag("outcome", "answered").counter().count() > 0);

            // The same from Java: local keys are read, others name their owner.
            ReadOnlyKeyValueStore<String, Long> local = first.store("counts", QueryableStoreTypes.keyValue());
            ReadOnlyWindowStore<String, Long> hourly = first.store("hourly", QueryableStoreTypes.window());
            int localKeys = 0;
            for (String word : expected.keySet()) {
                KeyQueryMetadata where = first.metadataForKey("counts", word);
                JobRunner owner = jobs.stream().filter(job -> job.instanceId().equals(where.owner())).findFirst()
                        .orElseThrow();
                assertEquals("http://127.0.0.1:" + owner.httpPort(), where.ownerEndpoint());
                if (where.owner().equals("a")) {
                    localKeys++;
                    assertEquals(expected.get(word).longValue(), local.get(word));
                    assertEquals(expected.get(word).longValue(), hourly.fetch(word, 0, Long.MAX_VALUE).stream()
                            .mapToLong(window -> window.value()).sum());
                } else {
                    StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> local.get(word));
                    assertEquals(StoreUnavailableException.Reason.ELSEWHERE, e.reason());
                    assertEquals(where.owner(), e.owner());
                    assertTrue(e.getMessage().contains("runs on instance '" + where.owner() + "' at http://127.0.0.1:"),
                            e.getMessage());
                }
            }
            assertTrue(localKeys > 0 && localKeys < KEYS, localKeys + " keys local to a");
            IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                    () -> first.store("hourly", QueryableStoreTypes.keyValue()));
            assertTrue(wrongType.getMessage().contains("is a window store"), wrongType.getMessage());
        } finally {
            jobs.forEach(JobRunner::close);
        }
    }

    @Test
    void aTokenGuardsTheStores(EmbeddedPulsar pulsar, @TempDir Path dir) throws Exception {
        String input = unique("q-token-in");
        createTopic(pulsar, input);
        try (JobRunner job = new JobRunner(topology(input, unique("q-token-out")), settings(pulsar, unique("q-token"),
                "only", dir).with(RuntimeOptions.HTTP_QUERY_TOKEN, Secret.of("s3cret-query-token"))).start()) {
            Reply none = get(job, "/stores/counts/keys/x", null);
            assertEquals(401, none.status());
            assertFalse(none.body().toString().contains("s3cret"));
            assertEquals(401, get(job, "/stores/counts/keys/x", "wrong-token").status());
            assertEquals(401, get(job, "/stores", "s3cret-query-tokenX").status());
            await("the job owns its key groups", Duration.ofSeconds(30), () -> job.ownedKeyGroups() == 64);
            assertEquals(404, get(job, "/stores/counts/keys/x", "s3cret-query-token").status());
            assertEquals(200, get(job, "/stores", "s3cret-query-token").status());
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + job.httpPort() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode(), "metrics stay open");
        }
    }

    /**
     * Scale-out from one to three instances while records flow and queries keep coming: every answer is
     * a value the key's count really had (never above what was published, never below an earlier
     * answer), or 503 with Retry-After; never a 500 and never a key that vanished.
     */
    @Test
    void queriesDuringAScaleOutGetRightValuesOrRetryAfter(EmbeddedPulsar pulsar, @TempDir Path a, @TempDir Path b,
                                                         @TempDir Path c) throws Exception {
        String input = unique("q-scale-in");
        String app = unique("q-scale");
        createTopic(pulsar, input);
        Map<String, Integer> published = new ConcurrentHashMap<>();
        Map<String, Long> seen = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> wrong = new AtomicReference<>();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger retry = new AtomicInteger();
        List<JobRunner> jobs = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).enableBatching(false).create()) {
            jobs.add(new JobRunner(topology(input, unique("q-scale-out")), settings(pulsar, app, "a", a)).start());
            Thread publisher = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        String word = key(ThreadLocalRandom.current().nextInt(KEYS));
                        // Counted as published before the send: a query can never see more than this.
                        published.merge(word, 1, Integer::sum);
                        producer.newMessage().key(word).value("x").send();
                        Thread.sleep(2);
                    }
                } catch (Exception e) {
                    if (!stop.get()) {
                        wrong.compareAndSet(null, "publisher: " + e);
                    }
                }
            });
            Thread asker = new Thread(() -> {
                while (!stop.get()) {
                    String word = key(ThreadLocalRandom.current().nextInt(KEYS));
                    JobRunner job = jobs.get(ThreadLocalRandom.current().nextInt(jobs.size()));
                    try {
                        Reply reply = get(job, "/stores/counts/keys/" + URLEncoder.encode(word, StandardCharsets.UTF_8),
                                null);
                        switch (reply.status()) {
                            case 200 -> {
                                long value = reply.body().get("value").asLong();
                                Long before = seen.put(word, Math.max(value, seen.getOrDefault(word, 0L)));
                                if (value > published.getOrDefault(word, 0)) {
                                    wrong.compareAndSet(null, word + " = " + value + " but only "
                                            + published.get(word) + " published");
                                } else if (before != null && value < before) {
                                    wrong.compareAndSet(null, word + " went back from " + before + " to " + value);
                                }
                                ok.incrementAndGet();
                            }
                            case 503 -> {
                                if (reply.retryAfter() == null) {
                                    wrong.compareAndSet(null, "503 without Retry-After: " + reply.body());
                                }
                                retry.incrementAndGet();
                            }
                            case 404 -> {
                                if (seen.containsKey(word)) {
                                    wrong.compareAndSet(null, word + " vanished: " + reply.body());
                                }
                            }
                            default -> wrong.compareAndSet(null, reply.status() + ": " + reply.body());
                        }
                    } catch (Exception e) {
                        if (!stop.get()) {
                            wrong.compareAndSet(null, "query failed: " + e);
                        }
                    }
                }
            });
            publisher.start();
            asker.start();
            try {
                await("answers from one instance", Duration.ofSeconds(30), () -> ok.get() > 50);
                jobs.add(new JobRunner(topology(input, unique("q-scale-out")), settings(pulsar, app, "b", b)).start());
                await("b owns key groups", Duration.ofSeconds(60), () -> jobs.get(1).ownedKeyGroups() > 0);
                jobs.add(new JobRunner(topology(input, unique("q-scale-out")), settings(pulsar, app, "c", c)).start());
                await("c owns key groups", Duration.ofSeconds(60), () -> jobs.get(2).ownedKeyGroups() > 0
                        && jobs.stream().mapToInt(JobRunner::ownedKeyGroups).sum() == 64);
                int before = ok.get();
                await("answers from three instances", Duration.ofSeconds(30), () -> ok.get() > before + 200);
            } finally {
                stop.set(true);
                publisher.join();
                asker.join();
            }
            System.out.println("QueriesIT scale-out: " + ok.get() + " answers, " + retry.get() + " retry-after");
            if (wrong.get() != null) {
                fail(wrong.get());
            }
            assertNotNull(seen.get(key(0)));
        } finally {
            jobs.forEach(JobRunner::close);
        }
    }
}
