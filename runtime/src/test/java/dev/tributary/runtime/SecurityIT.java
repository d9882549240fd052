package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.config.Secret;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import io.micrometer.core.instrument.Meter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.apache.pulsar.broker.authentication.utils.AuthTokenUtils;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token authentication against a broker that requires it; the token never shows in logs or metrics. */
class SecurityIT {

    /** Keeps every log line of the process while the test runs. */
    static final class Capture extends AbstractAppender {
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        Capture() {
            super("capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
            for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            lines.add(line.toString());
        }
    }

    private static Topology copy(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).to(output, Produced.with(Schema.STRING, Schema.STRING));
        return builder.build();
    }

    private static int query(JobRunner job, String token) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + job.httpPort() + "/stores"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theRightTokenWorksAWrongOneFailsAtStartAndNeitherIsEverPrinted(@TempDir Path dir) throws Exception {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Capture capture = new Capture();
        capture.start();
        context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        Configurator.setLevel("org.apache.pulsar.client", Level.INFO);
        Configurator.setLevel("dev.tributary", Level.DEBUG);
        context.updateLoggers();
        try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().tokenAuthentication().build().start()) {
            String token = pulsar.superUserToken();
            String wrongToken = AuthTokenUtils.createToken(
                    AuthTokenUtils.createSecretKey(io.jsonwebtoken.SignatureAlgorithm.HS256), EmbeddedPulsar.SUPER_USER,
                    Optional.empty());
            pulsar.admin().topics().createNonPartitionedTopic("secure-in");
            Topology topology = copy("secure-in", "secure-out");

            JobStartException noCredentials = assertThrows(JobStartException.class,
                    () -> new JobRunner(topology, config(pulsar, "secure")).start());
            assertTrue(noCredentials.getMessage().contains("refused the job's credentials")
                    && noCredentials.getMessage().contains("no credentials configured"), noCredentials.getMessage());

            JobStartException wrong = assertThrows(JobStartException.class, () -> new JobRunner(topology,
                    config(pulsar, "secure").with(RuntimeOptions.AUTH_TOKEN, Secret.of(wrongToken))).start());
            assertTrue(wrong.getMessage().contains("refused the job's credentials")
                    && wrong.getMessage().contains("the token of pulsar.auth.token"), wrong.getMessage());
            assertFalse(wrong.getMessage().contains(wrongToken));

            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, token + "\n");
            try (PulsarClient client = pulsar.newClient();
                 Producer<String> producer = client.newProducer(Schema.STRING).topic("secure-in").create()) {
                producer.newMessage().key("k").value("v1").send();
                Configuration withToken = config(pulsar, "secure").with(RuntimeOptions.AUTH_TOKEN, Secret.of(token))
                        .with(RuntimeOptions.HTTP_ENABLED, true).with(RuntimeOptions.HTTP_PORT, 0);
                try (JobRunner job = new JobRunner(topology, withToken).start()) {
                    List<Message<String>> out = readAll(client, "secure-out", Schema.STRING, 1, Duration.ofSeconds(30));
                    assertEquals("v1", out.get(0).getValue());
                    // The job's state is as guarded as its broker: its queries need the job's own token.
                    assertEquals(401, query(job, null));
                    assertEquals(401, query(job, wrongToken));
                    assertEquals(200, query(job, token));
                    for (Meter meter : job.meterRegistry().getMeters()) {
                        assertFalse(meter.getId().toString().contains(token), meter.getId().toString());
                    }
                    assertFalse(withToken.toString().contains(token));
                    assertFalse(withToken.describe(RuntimeOptions.all()).contains(token));
                }
                producer.newMessage().key("k").value("v2").send();
                try (JobRunner job = new JobRunner(topology, config(pulsar, "secure")
                        .with(RuntimeOptions.AUTH_TOKEN_FILE, tokenFile.toString())).start()) {
                    List<Message<String>> out = readAll(client, "secure-out", Schema.STRING, 2, Duration.ofSeconds(30));
                    assertEquals("v2", out.get(out.size() - 1).getValue());
                }
            }
            assertTrue(capture.lines.size() > 10, "the log was captured");
            for (String line : capture.lines) {
                assertFalse(line.contains(token), "a log line shows the token: " + line);
                assertFalse(line.contains(wrongToken), "a log line shows the wrong token: " + line);
            }
        } finally {
            context.getConfiguration().getRootLogger().removeAppender("capture");
            context.updateLoggers();
            capture.stop();
        }
    }
}
