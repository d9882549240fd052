package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** /metrics, /health/live and /health/ready of a running job. */
@ExtendWith(PulsarExtension.class)
class OpsEndpointsIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of a series' samples whose line starts with the name and contains every fragment. */
    private static double value(String scrape, String name, String... fragments) {
        double sum = 0;
        boolean found = false;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(scrape);
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String fragment : fragments) {
                all &= labels.contains(fragment);
            }
            if (all) {
                found = true;
                sum += Double.parseDouble(m.group(2));
            }
        }
        assertTrue(found, "no series " + name + " with " + List.of(fragments));
        return sum;
    }

    @Test
    void theBacklogMetricReadsTheRecordsWaitingForTheJob(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("backlog-in");
        String app = unique("backlog");
        createTopic(pulsar, input);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        StreamBuilder builder = new StreamBuilder();
        // The first record blocks the job, so nothing is acknowledged while the metric is read.
        builder.stream(input, Schema.STRING).peek((key, value) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).to(input + "-out", Produced.with(Schema.STRING, Schema.STRING));
        int records = 700;
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).enableBatching(false)
                     .create()) {
            for (int i = 0; i < records; i++) {
                producer.newMessage().key("key-" + i).value("v").send();
            }
        }
        Configuration config = config(pulsar, app).with(RuntimeOptions.HTTP_ENABLED, true)
                .with(RuntimeOptions.HTTP_PORT, 0).with(RuntimeOptions.BACKLOG_INTERVAL, Duration.ofMillis(200));
        try (JobRunner job = new JobRunner(builder.build(), config).start()) {
            String series = "tributary_input_backlog";
            String topic = "topic=\"persistent://public/default/" + input + "\"";
            await("the backlog metric to read the " + records + " records published", Duration.ofSeconds(30), () -> {
                try {
                    return value(get(job.httpPort(), "/metrics").body(), series, topic) == records;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            release.countDown();
            await("the backlog metric to read 0 once the job caught up", Duration.ofSeconds(30), () -> {
                try {
                    return value(get(job.httpPort(), "/metrics").body(), series, topic) == 0;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            release.countDown();
        }
    }

    @Test
    void readinessWaitsForTheRestoreAndMetricsDescribeTheRun(EmbeddedPulsar pulsar, @TempDir Path firstState,
                                                            @TempDir Path secondState) throws Exception {
        String input = unique("ops-in");
        String output = unique("ops-out");
        String app = unique("ops");
        createTopic(pulsar, input);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).groupByKey().count().toStream()
                .to(output, Produced.with(Schema.STRING, Schema.INT64).withBatching(ProducerBatching.KEY_GROUP));
        Topology topology = builder.build();
        int keys = 50_000;
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true)
                     .batcherBuilder(BatcherBuilder.KEY_BASED).create()) {
            Sends sends = new Sends();
            for (int i = 0; i < keys; i++) {
                sends.add(producer.newMessage().key("key-" + i).value("v").sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
            try (JobRunner seed = new JobRunner(topology, config(pulsar, app)
                    .with(RuntimeOptions.STATE_DIR, firstState.toString())).start()) {
                await("seeded", Duration.ofSeconds(60), () -> seed.processedRecords() >= keys);
            }

            // A new instance with empty local state restores every key from the changelog.
            Configuration config = config(pulsar, app)
                    .with(RuntimeOptions.STATE_DIR, secondState.toString())
                    .with(RuntimeOptions.HTTP_ENABLED, true)
                    .with(RuntimeOptions.HTTP_PORT, 0)
                    .with(RuntimeOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500))
                    .with(RuntimeOptions.BACKLOG_INTERVAL, Duration.ofMillis(200));
            JobRunner job = new JobRunner(topology, config);
            CompletableFuture<JobRunner> started = CompletableFuture.supplyAsync(job::start);
            try {
                await("the endpoints", Duration.ofSeconds(30), () -> job.httpPort() > 0);
                int port = job.httpPort();
                List<String> whileStarting = new ArrayList<>();
                // Readiness is sampled at every check until the start completes and every key group is restored.
                await("the job to finish starting and restoring", Duration.ofSeconds(60), () -> {
                    try {
                        HttpResponse<String> ready = get(port, "/health/ready");
                        whileStarting.add(ready.statusCode() + " " + ready.body());
                    } catch (Exception e) {
                        throw new IllegalStateException("readiness did not answer during the start", e);
                    }
                    return started.isDone() && job.pendingKeyGroups() == 0;
                });
                started.get();
                assertTrue(whileStarting.stream().anyMatch(r -> r.startsWith("503") && r.contains("restoring")),
                        "not ready while starting: " + whileStarting.subList(0, Math.min(3, whileStarting.size())));
                assertEquals(keys, job.restoredRecords());
                assertEquals(200, get(port, "/health/ready").statusCode());
                assertEquals(200, get(port, "/health/live").statusCode());

                for (int i = 0; i < 1000; i++) {
                    sends.add(producer.newMessage().key("key-" + i).value("v").sendAsync());
                }
                producer.flush();
                sends.awaitAll(Duration.ofSeconds(60));
                await("processed", Duration.ofSeconds(30), () -> job.processedRecords() >= 1000);
                String[] scrape = new String[1];
                // Counts leave at the commit after their records were processed: wait for it in the scrape.
                await("state entries, backlog and the committed outputs in the scrape", Duration.ofSeconds(30), () -> {
                    try {
                        scrape[0] = get(port, "/metrics").body();
                        return scrape[0].contains("tributary_state_entries{") && scrape[0].contains("tributary_input_backlog{")
                                // Counted at each checkpoint over the key groups processing then.
                                && value(scrape[0], "tributary_state_entries") >= keys * 0.5
                                && scrape[0].contains("tributary_records_acked_total{")
                                && value(scrape[0], "tributary_records_acked_total") >= 1000
                                // Counted when a commit's acknowledgements are sent; its timer once they completed.
                                && value(scrape[0], "tributary_commits_seconds_count") >= 1
                                && value(scrape[0], "tributary_records_out_total", "topic=\"persistent://public/default/"
                                        + output + "\"") >= 1;
                    } catch (Exception e) {
                        return false;
                    }
                });
                String text = scrape[0];
                String application = "application=\"" + app + "\"";
                assertTrue(value(text, "tributary_records_in_total", application) >= 1000);
                assertTrue(value(text, "tributary_records_out_total", application, "topic=\"persistent://public/default/"
                        + output + "\"") >= 1);
                assertTrue(value(text, "tributary_records_acked_total", application) >= 1000);
                assertTrue(value(text, "tributary_commits_seconds_count", application) >= 1);
                assertTrue(value(text, "tributary_records_latency_seconds_count", application) >= 1);
                assertEquals(64, value(text, "tributary_key_groups_owned", application));
                assertEquals(0, value(text, "tributary_key_groups_restoring", application));
                assertEquals(keys, value(text, "tributary_restore_records_total", application));
                assertTrue(value(text, "tributary_state_entries", application) >= keys * 0.5,
                        "an estimate of the store's entries");
                // Each key and its count take at least a few bytes on disk, whatever the compression.
                assertTrue(value(text, "tributary_state_bytes", application) >= keys * 4,
                        "the store's size in bytes");
                value(text, "tributary_input_backlog", application, "subscription=\"" + app + "\"");
                assertTrue(value(text, "jvm_memory_used_bytes") > 0);
                assertTrue(value(text, "tributary_node_records_total", application, "node=\"source-0\"") >= 1000);
                assertTrue(value(text, "tributary_node_time_seconds_count", application, "node=\"source-0\"") >= 1000 / 64);
                value(text, "tributary_records_held", application);
            } finally {
                job.close();
            }
            assertTrue(job.httpPort() < 0 || !portAnswers(job.httpPort()), "the endpoints close with the job");
        }
    }

    @Test
    void heldNamesTheFailingKeyWithItsErrorAndAgeAndReadinessTurnsDegraded(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("held-in");
        String output = unique("held-out");
        String app = unique("held");
        createTopic(pulsar, input);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).peek((key, value) -> {
            if (key.equals("stuck")) {
                throw new IllegalStateException("the rating service refused key " + key);
            }
        }).to(output, Produced.with(Schema.STRING, Schema.STRING));
        int others = 40;
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).enableBatching(false)
                     .create()) {
            for (int i = 0; i < 5; i++) {
                producer.newMessage().key("stuck").value("s" + i).send();
            }
            for (int i = 0; i < others; i++) {
                producer.newMessage().key("key-" + i).value("v").send();
            }
            Configuration config = config(pulsar, app).with(RuntimeOptions.HTTP_ENABLED, true)
                    .with(RuntimeOptions.HTTP_PORT, 0).with(RuntimeOptions.RETRY_ATTEMPTS, 1000)
                    .with(RuntimeOptions.RETRY_INITIAL_DELAY, Duration.ofMillis(200))
                    .with(RuntimeOptions.RETRY_MAX_DELAY, Duration.ofMillis(200))
                    .with(RuntimeOptions.HELD_DEGRADED_AFTER, Duration.ofSeconds(3));
            try (JobRunner job = new JobRunner(builder.build(), config).start()) {
                int port = job.httpPort();
                assertEquals(400, get(port, "/held?limit=0").statusCode());
                com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
                com.fasterxml.jackson.databind.JsonNode[] held = new com.fasterxml.jackson.databind.JsonNode[1];
                await("/held to name the key that keeps failing, with the four records behind it",
                        Duration.ofSeconds(30), () -> {
                            try {
                                held[0] = json.readTree(get(port, "/held").body());
                                return held[0].path("keys").size() == 1
                                        && held[0].path("keys").get(0).path("heldRecords").asInt() == 4;
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                var key = held[0].path("keys").get(0);
                assertEquals("stuck", key.path("key").asText(), held[0].toString());
                assertTrue(key.path("lastError").asText().contains("the rating service refused key stuck"),
                        held[0].toString());
                assertTrue(key.path("attempts").asInt() >= 1, held[0].toString());
                assertTrue(key.path("failingMillis").asLong() >= 0, held[0].toString());
                assertEquals("processing", key.path("kind").asText(), held[0].toString());
                int keyGroup = key.path("keyGroup").asInt();
                assertEquals(1, held[0].path("failingKeys").asInt(), held[0].toString());
                assertEquals(keyGroup, held[0].path("keyGroups").get(0).path("keyGroup").asInt(), held[0].toString());
                assertEquals(4, held[0].path("keyGroups").get(0).path("heldRecords").asInt(), held[0].toString());
                // The broker's view beside it: the subscription's consumers on the input.
                var partitions = held[0].path("broker").path("partitions");
                assertEquals(1, partitions.size(), held[0].toString());
                assertTrue(partitions.get(0).path("consumers").size() >= 1, held[0].toString());
                assertTrue(partitions.get(0).path("consumers").get(0).has("drainingHashesCount"), held[0].toString());
                // Every other key flows meanwhile.
                await("the other keys processed", Duration.ofSeconds(30), () -> job.processedRecords() >= others);
                await("readiness to turn degraded, naming the key", Duration.ofSeconds(30), () -> {
                    try {
                        HttpResponse<String> ready = get(port, "/health/ready");
                        return ready.statusCode() == 200 && ready.body().contains("\"status\":\"DEGRADED\"")
                                && ready.body().contains("key 'stuck' (key group " + keyGroup + ") has failed for");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                String metrics = get(port, "/metrics").body();
                String application = "application=\"" + app + "\"";
                assertEquals(1, value(metrics, "tributary_keys_failing", application));
                assertEquals(4, value(metrics, "tributary_keygroup_records_held", application,
                        "key_group=\"" + keyGroup + "\""));
                assertTrue(value(metrics, "tributary_keygroup_failing_oldest_seconds", application,
                        "key_group=\"" + keyGroup + "\"") >= 0);
            }
        }
    }

    private static boolean portAnswers(int port) {
        try {
            get(port, "/health/live");
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
