package dev.tributary.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.dsl.Grouped;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.state.Materialized;
import dev.tributary.testkit.pulsar.Await;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job page of a running three-instance job, loaded by headless Chromium: the topology's nodes
 * are drawn and the key-group grid shows the three owners. Without a browser on the machine the
 * test is skipped, unless {@code TRIBUTARY_BROWSER_REQUIRED=1} (as {@code .ci/run} sets it, having
 * installed Chromium), where a missing browser fails it.
 */
@ExtendWith(PulsarExtension.class)
class JobPageIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    static String browser() {
        String given = System.getenv("TRIBUTARY_BROWSER");
        List<String> candidates = given != null ? List.of(given) : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");
        for (String candidate : candidates) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        boolean required = "1".equals(System.getenv("TRIBUTARY_BROWSER_REQUIRED"));
        if (required) {
            throw new AssertionError("no browser at " + candidates + " (install Debian's chromium package, or set"
                    + " TRIBUTARY_BROWSER)");
        }
        Assumptions.assumeTrue(false, "no Chromium on this machine: the job page's browser test is skipped");
        return null;
    }

    private static Topology wordCount(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .flatMapValues(line -> Arrays.asList(line.split(" ")))
                .groupBy((key, word) -> word, Grouped.with(Schema.STRING, Schema.STRING))
                .count(Materialized.as("counts"))
                .toStream()
                .to(output, Schema.INT64);
        return builder.build();
    }

    private static String run(Path log, String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the browser ended: " + String.join(" ", command));
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void chromiumShowsTheTopologyAndThreeOwnersOfTheKeyGroups(EmbeddedPulsar pulsar) throws Exception {
        String chromium = browser();
        String input = TestTopics.unique("page-in");
        pulsar.admin().topics().createPartitionedTopic(input, 2);
        String app = TestTopics.unique("page");
        Topology topology = wordCount(input, input + "-counts");
        List<JobRunner> jobs = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).create()) {
            for (int i = 0; i < 3; i++) {
                jobs.add(new JobRunner(topology, Configuration.empty()
                        .with(RuntimeOptions.APPLICATION_ID, app)
                        .with(RuntimeOptions.INSTANCE_ID, "instance-" + (char) ('a' + i))
                        .with(RuntimeOptions.SERVICE_URL, pulsar.serviceUrl())
                        .with(RuntimeOptions.ADMIN_URL, pulsar.httpUrl())
                        .with(RuntimeOptions.STATE_DIR, temp.resolve("state-" + i).toString())
                        .with(RuntimeOptions.HTTP_ENABLED, true).with(RuntimeOptions.HTTP_PORT, 0)
                        .with(RuntimeOptions.BACKLOG_INTERVAL, Duration.ofMillis(500))).start());
            }
            for (int i = 0; i < 300; i++) {
                producer.newMessage().key("line-" + i).value("the quick brown fox " + i % 17).sendAsync();
            }
            producer.flush();
            int port = jobs.get(0).httpPort();
            // Settled: the page's own endpoint sees three owners, every key group processing.
            Await.until("three instances sharing every key group", Duration.ofSeconds(90), () -> {
                try {
                    JsonNode groups = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + port + "/api/keygroups")).build(), HttpResponse.BodyHandlers.ofString()).body());
                    Set<String> owners = new HashSet<>();
                    boolean allProcessing = true;
                    for (JsonNode group : groups.get("groups")) {
                        owners.add(group.get("owner").asText());
                        allProcessing &= group.get("state").asText().equals("processing");
                    }
                    return owners.size() == 3 && allProcessing;
                } catch (Exception e) {
                    return false;
                }
            });
            // Every instance's records, summed by whichever instance is asked.
            Await.until("the first instance to count every line the three read", Duration.ofSeconds(30), () -> {
                try {
                    for (JsonNode node : JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + port + "/api/nodes")).build(), HttpResponse.BodyHandlers.ofString()).body())) {
                        if (node.get("node").asText().equals("source-0")) {
                            return node.get("records").asLong() == 300 && node.get("instances").asInt() == 3;
                        }
                    }
                    return false;
                } catch (Exception e) {
                    return false;
                }
            });
            String url = "http://127.0.0.1:" + port + "/";
            String[] headless = {chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--virtual-time-budget=10000"};
            List<String> dump = new ArrayList<>(List.of(headless));
            dump.addAll(List.of("--dump-dom", url));
            String dom = run(temp.resolve("chromium-dom.log"), dump.toArray(String[]::new));
            Set<String> drawn = new HashSet<>();
            Matcher node = Pattern.compile("<g class=\"node[^\"]*\" data-node=\"([^\"]+)\"").matcher(dom);
            while (node.find()) {
                drawn.add(node.group(1));
            }
            Set<String> expected = new HashSet<>();
            topology.nodes().forEach(n -> expected.add(n.name()));
            assertEquals(expected, drawn, "every node of the topology drawn on the page");
            assertTrue(dom.contains("/s</text>"), "node rates shown on the drawing");
            Matcher cell = Pattern.compile("<div class=\"cell ([a-z]+)\" data-group=\"(\\d+)\" data-owner=\"([^\"]*)\"")
                    .matcher(dom);
            Set<String> owners = new HashSet<>();
            int cells = 0;
            while (cell.find()) {
                cells++;
                owners.add(cell.group(3));
            }
            assertEquals(64, cells, "one cell per key group");
            assertEquals(Set.of("instance-a", "instance-b", "instance-c"), owners, "the grid shows three owners");
            Path screenshot = Path.of("target", "job-page.png").toAbsolutePath();
            List<String> shoot = new ArrayList<>(List.of(headless));
            shoot.addAll(List.of("--window-size=1400,1250", "--screenshot=" + screenshot, url));
            run(temp.resolve("chromium-shot.log"), shoot.toArray(String[]::new));
            assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the page in " + screenshot);
        } finally {
            jobs.forEach(JobRunner::close);
        }
    }
}
