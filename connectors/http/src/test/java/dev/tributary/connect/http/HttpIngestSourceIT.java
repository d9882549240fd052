package dev.tributary.connect.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PulsarExtension.class)
class HttpIngestSourceIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A click as the topic's JSON schema defines it; {@code ts} is primitive, so required. */
    public static final class Click {
        public String user;
        public String page;
        public long ts;
    }

    private static String unique(String prefix) {
        return TestTopics.unique(prefix);
    }

    private static Configuration config(EmbeddedPulsar pulsar, String app) {
        return Configuration.of(pulsar.jobSettings(app))
                .with("connector.ingest.port", "0")
                .with("connector.ingest.key-field", "user");
    }

    private static HttpResponse<String> post(int port, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String click(String user, int n) {
        return "{\"user\":\"" + user + "\",\"page\":\"/p" + n + "\",\"ts\":" + n + "}";
    }

    /** Everything the topic holds now, up to its last message. */
    private static List<Message<Click>> readAll(PulsarClient client, String topic) throws Exception {
        return TestTopics.readAll(client, topic, Schema.JSON(Click.class), 0, Duration.ofSeconds(30));
    }

    @Test
    void everyStatusCodeAndA202MeansTheEventIsInPulsar(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/" + unique("clicks");
        String other = "persistent://public/default/" + unique("raw");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        pulsar.admin().topics().createNonPartitionedTopic(other);
        HttpIngestSource bridge = new HttpIngestSource();
        StreamBuilder builder = new StreamBuilder();
        builder.addSource("ingest", bridge, topic, Schema.JSON(Click.class));
        Configuration config = config(pulsar, unique("http")).with("connector.ingest.auth-token", "s3cret")
                .with("connector.ingest.max-body-bytes", "2000").with("connector.ingest.topics", other);
        try (PulsarClient client = pulsar.newClient(); JobRunner job = new JobRunner(builder.build(), config).start()) {
            int port = bridge.port();
            String local = topic.substring(topic.lastIndexOf('/') + 1);

            HttpResponse<String> one = post(port, "/topics/" + local, click("ann", 1), "s3cret");
            assertEquals(202, one.statusCode(), one.body());
            List<Message<Click>> stored = readAll(client, topic);
            assertEquals(1, stored.size(), "a 202 means the event is already in the topic");
            assertEquals("ann", stored.get(0).getKey());
            assertEquals("/p1", stored.get(0).getValue().page);

            HttpResponse<String> many = post(port, "/topics/public/default/" + local,
                    "[" + click("bob", 2) + "," + click("cy", 3) + "]", "s3cret");
            assertEquals(202, many.statusCode(), many.body());
            assertTrue(many.body().contains("\"accepted\":2"), many.body());

            HttpResponse<String> notJson = post(port, "/topics/" + local, "{\"user\": ", "s3cret");
            assertEquals(400, notJson.statusCode());
            assertTrue(notJson.body().contains("not JSON"), notJson.body());

            HttpResponse<String> missing = post(port, "/topics/" + local, "[" + click("dan", 4)
                    + ",{\"user\":\"eve\",\"page\":\"/x\"}]", "s3cret");
            assertEquals(400, missing.statusCode());
            assertTrue(missing.body().contains("event 1: missing field 'ts'"), missing.body());

            HttpResponse<String> wrongType = post(port, "/topics/" + local,
                    "{\"user\":\"fay\",\"page\":\"/x\",\"ts\":\"soon\"}", "s3cret");
            assertEquals(400, wrongType.statusCode());
            assertTrue(wrongType.body().contains("field 'ts' must be a 64-bit integer, not string"), wrongType.body());

            HttpResponse<String> unknownField = post(port, "/topics/" + local,
                    "{\"user\":\"gus\",\"page\":\"/x\",\"ts\":1,\"referer\":\"z\"}", "s3cret");
            assertEquals(400, unknownField.statusCode());
            assertTrue(unknownField.body().contains("field 'referer' is not in the schema"), unknownField.body());

            HttpResponse<String> noKey = post(port, "/topics/" + local, "{\"page\":\"/x\",\"ts\":1}", "s3cret");
            assertEquals(400, noKey.statusCode());
            assertTrue(noKey.body().contains("key field 'user' is missing"), noKey.body());

            assertEquals(413, post(port, "/topics/" + local, "[" + (click("hal", 5) + ",").repeat(60) + click("hal", 6)
                    + "]", "s3cret").statusCode());
            HttpResponse<String> noToken = post(port, "/topics/" + local, click("ian", 7), null);
            assertEquals(401, noToken.statusCode());
            assertEquals("Bearer", noToken.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(401, post(port, "/topics/" + local, click("ian", 7), "wrong").statusCode());
            HttpResponse<String> unknownTopic = post(port, "/topics/nope", click("jo", 8), "s3cret");
            assertEquals(404, unknownTopic.statusCode());
            assertTrue(unknownTopic.body().contains(local), unknownTopic.body());

            // A topic without a schema takes any JSON, stored as text.
            assertEquals(202, post(port, "/topics/" + other.substring(other.lastIndexOf('/') + 1),
                    "{\"user\":\"kim\",\"free\":[1,2]}", "s3cret").statusCode());

            List<Message<Click>> all = readAll(client, topic);
            assertEquals(List.of("ann", "bob", "cy"), all.stream().map(Message::getKey).toList(),
                    "refused requests published nothing");
            var registry = job.meterRegistry();
            assertEquals(4.0, registry.get("tributary.connector.http.events.accepted").counter().count());
            assertEquals(5.0, registry.get("tributary.connector.http.requests").tag("status", "400").counter().count());
            assertEquals(2.0, registry.get("tributary.connector.http.requests").tag("status", "401").counter().count());
            assertEquals(1.0, registry.get("tributary.connector.http.requests").tag("status", "413").counter().count());
        }
    }

    @Test
    void manyConcurrentClientsGetEveryEventStoredOnce(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/" + unique("clicks");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        HttpIngestSource bridge = new HttpIngestSource();
        StreamBuilder builder = new StreamBuilder();
        builder.addSource("ingest", bridge, topic, Schema.JSON(Click.class));
        int clients = 16;
        int requests = 40;
        int perRequest = 10;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (PulsarClient client = pulsar.newClient();
             JobRunner job = new JobRunner(builder.build(), config(pulsar, unique("http"))).start()) {
            String local = topic.substring(topic.lastIndexOf('/') + 1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int r = 0; r < requests; r++) {
                        StringBuilder body = new StringBuilder("[");
                        for (int e = 0; e < perRequest; e++) {
                            body.append(e > 0 ? "," : "").append(click("user" + id, r * perRequest + e));
                        }
                        HttpResponse<String> response = post(bridge.port(), "/topics/" + local, body.append("]").toString(),
                                null);
                        if (response.statusCode() == 202) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(requests, result.get(120, TimeUnit.SECONDS));
            }
            List<Message<Click>> stored = readAll(client, topic);
            assertEquals(clients * requests * perRequest, stored.size());
            Set<String> distinct = new HashSet<>();
            for (Message<Click> message : stored) {
                distinct.add(message.getKey() + "/" + message.getValue().ts);
            }
            assertEquals(clients * requests * perRequest, distinct.size(), "each event once");
            // Per key, in the order each client sent them.
            for (int c = 0; c < clients; c++) {
                String user = "user" + c;
                List<Long> order = stored.stream().filter(m -> m.getKey().equals(user)).map(m -> m.getValue().ts).toList();
                List<Long> sorted = new ArrayList<>(order);
                sorted.sort(null);
                assertEquals(sorted, order, "events of " + user + " in order");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anUnavailableBrokerIsAnswered503WithRetryAfter() throws Exception {
        try (EmbeddedPulsar own = EmbeddedPulsar.builder().build().start()) {
            String topic = "persistent://public/default/" + unique("clicks");
            own.admin().topics().createNonPartitionedTopic(topic);
            HttpIngestSource bridge = new HttpIngestSource();
            StreamBuilder builder = new StreamBuilder();
            builder.addSource("ingest", bridge, topic, Schema.JSON(Click.class));
            Configuration config = config(own, unique("http")).with("connector.ingest.request-timeout", "1s")
                    .with("connector.ingest.retry-after", "7s")
                    .with(RuntimeOptions.SHUTDOWN_TIMEOUT, Duration.ofSeconds(5));
            JobRunner job = new JobRunner(builder.build(), config).start();
            try {
                String local = topic.substring(topic.lastIndexOf('/') + 1);
                assertEquals(202, post(bridge.port(), "/topics/" + local, click("ann", 1), null).statusCode());
                own.stop();
                HttpResponse<String> down = post(bridge.port(), "/topics/" + local, click("bob", 2), null);
                assertEquals(503, down.statusCode(), down.body());
                assertEquals("7", down.headers().firstValue("Retry-After").orElse(""));
                assertTrue(down.body().contains("retry later"), down.body());
            } finally {
                job.abort();
            }
        }
    }
}
