package dev.tributary.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.ErrorPolicy;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.testkit.pulsar.Await;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard and the Prometheus alerting rules of {@code examples/deploy} query only metrics
 * that a running job serves: a job with a key that fails until it is dead-lettered is scraped until it
 * has shown every one of them.
 */
@ExtendWith(PulsarExtension.class)
class DeployFilesIT {
    private static final Path DEPLOY = Path.of("deploy");
    private static final Pattern METRIC = Pattern.compile("\\btributary_[a-z_]+");

    @TempDir
    Path state;

    private static List<String> dashboardQueries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana-dashboard.json").toFile());
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertTrue(panel.get("targets").size() > 0, "panel " + panel.get("title") + " has queries");
            panel.get("targets").forEach(target -> queries.add(target.get("expr").asText()));
        }
        dashboard.get("templating").get("list").forEach(variable -> {
            if (variable.has("definition")) {
                queries.add(variable.get("definition").asText());
            }
        });
        return queries;
    }

    private static List<String> alertQueries() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(DEPLOY.resolve("prometheus-alerts.yaml").toFile());
        List<String> queries = new ArrayList<>();
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                alerts.add(rule.get("alert").asText());
                assertTrue(rule.get("annotations").has("summary"), rule.get("alert") + " says what happened");
                queries.add(rule.get("expr").asText());
            }
        }
        assertEquals(Set.of("TributaryDeadLettersRising", "TributaryKeyGroupUnowned", "TributaryLagGrowing",
                "TributaryRecordsHeldTooLong", "TributaryRestoreStalled"), alerts);
        return queries;
    }

    /** The series names a query reads: histogram parts are served under their own names. */
    private static Set<String> metricsOf(List<String> queries) {
        Set<String> names = new TreeSet<>();
        for (String query : queries) {
            Matcher matcher = METRIC.matcher(query);
            while (matcher.find()) {
                names.add(matcher.group());
            }
        }
        return names;
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsServedByARunningJob(EmbeddedPulsar pulsar) throws Exception {
        Set<String> wanted = metricsOf(dashboardQueries());
        wanted.addAll(metricsOf(alertQueries()));
        assertTrue(wanted.size() > 10, wanted.toString());

        String input = TestTopics.unique("deploy-in");
        pulsar.admin().topics().createNonPartitionedTopic(input);
        StreamBuilder builder = new StreamBuilder();
        // Stateful, so that restore and state metrics are served too.
        builder.stream(input, Schema.STRING)
                .mapValues(value -> {
                    if (value.equals("poison")) {
                        throw new IllegalArgumentException("cannot digest poison");
                    }
                    return value.toUpperCase();
                })
                .groupByKey(dev.tributary.dsl.Grouped.with(Schema.STRING, Schema.STRING))
                .count(dev.tributary.dsl.state.Materialized.as("counts"))
                .toStream().to(input + "-counts", Schema.INT64);
        Configuration config = Configuration.empty()
                .with(RuntimeOptions.APPLICATION_ID, TestTopics.unique("deploy"))
                .with(RuntimeOptions.SERVICE_URL, pulsar.serviceUrl())
                .with(RuntimeOptions.ADMIN_URL, pulsar.httpUrl())
                .with(RuntimeOptions.STATE_DIR, state.toString()).with(RuntimeOptions.KEY_GROUPS, 8)
                .with(RuntimeOptions.HTTP_ENABLED, true).with(RuntimeOptions.HTTP_PORT, 0)
                .with(RuntimeOptions.ERROR_POLICY, ErrorPolicy.DEAD_LETTER)
                .with(RuntimeOptions.RETRY_ATTEMPTS, 20)
                .with(RuntimeOptions.RETRY_INITIAL_DELAY, Duration.ofMillis(100))
                .with(RuntimeOptions.RETRY_MAX_DELAY, Duration.ofMillis(100));
        Set<String> served = new TreeSet<>();
        HttpClient http = HttpClient.newHttpClient();
        try (JobRunner job = new JobRunner(builder.build(), config).start();
             PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).create()) {
            producer.newMessage().key("bad").value("poison").send();
            for (int i = 0; i < 10; i++) {
                producer.newMessage().key("k" + i).value("v" + i).send();
            }
            // Held metrics are served while the key fails; dead-letter counters once it has gone.
            Await.until("every queried metric served at some point", Duration.ofSeconds(60), () -> {
                try {
                    String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + job.httpPort()
                            + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                    body.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                            .map(line -> line.split("[{ ]", 2)[0]).forEach(served::add);
                } catch (Exception e) {
                    return false;
                }
                return served.containsAll(wanted);
            });
        } catch (AssertionError e) {
            Set<String> missing = new TreeSet<>(wanted);
            missing.removeAll(served);
            throw new AssertionError("queried but never served: " + missing, e);
        }
        assertFalse(served.isEmpty());
    }
}
