package dev.tributary.connect.pulsario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.testkit.pulsar.Await;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.TestTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A published Pulsar IO package as users get it: {@code org.apache.pulsar:pulsar-io-data-generator:4.0.7}
 * (on Maven Central as a jar, which is the NAR), loaded from its file into a class loader of its own.
 */
@ExtendWith(PulsarExtension.class)
class PulsarIoPackagesIT {
    private static final Path DATA_GENERATOR = Path.of(System.getProperty("tributary.test.nars", "target/nars"),
            "pulsar-io-data-generator.nar");

    /** Keeps the log lines of one logger while the test runs. */
    static final class Capture extends AbstractAppender {
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        Capture() {
            super("capture-print-sink", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getMessage().getFormattedMessage());
        }
    }

    @Test
    void theDataGeneratorPackageFeedsAJobWhoseStreamItsPrintSinkReceives(EmbeddedPulsar pulsar, @TempDir Path dir)
            throws Exception {
        assertTrue(Files.isReadable(DATA_GENERATOR), "the package was copied for the test: " + DATA_GENERATOR);
        String people = "persistent://public/default/" + TestTopics.unique("people");
        pulsar.admin().topics().createNonPartitionedTopic(people);
        // The format of pulsar-admin sources create --source-config-file.
        Path sourceConfig = dir.resolve("data-generator.yaml");
        Files.writeString(sourceConfig, String.join("\n", "tenant: public", "namespace: default", "name: people",
                "topicName: " + people, "archive: builtin://data-generator", "configs:",
                "  sleepBetweenMessages: 20", ""));
        StreamBuilder builder = new StreamBuilder();
        builder.source("people", people, Schema.BYTES).sink("print");
        String app = TestTopics.unique("nar");
        Configuration config = Configuration.of(pulsar.jobSettings(app))
                .with("connector.people.type", "pulsar-io")
                .with("connector.people.nar", DATA_GENERATOR.toString())
                .with("connector.people.config-file", sourceConfig.toString())
                .with("connector.print.type", "pulsar-io")
                .with("connector.print.nar", DATA_GENERATOR.toString());
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        Capture capture = new Capture();
        capture.start();
        logs.getConfiguration().getRootLogger().addAppender(capture, Level.INFO, null);
        // The print sink logs each record at INFO, which the tests' log settings hide for org.apache.
        org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.pulsar.io.datagenerator", Level.INFO);
        logs.updateLoggers();
        try (PulsarClient client = pulsar.newClient();
             JobRunner job = new JobRunner(builder.build(), config).start()) {
            Await.until("the print sink to receive 50 generated people", Duration.ofSeconds(60),
                    () -> capture.lines.stream().filter(line -> line.startsWith("RECV: ")).count() >= 50);
            List<Message<byte[]>> written = TestTopics.readAll(client, people, Schema.BYTES, 50, Duration.ofSeconds(30));
            JsonNode person = new ObjectMapper().readTree(written.get(0).getValue());
            assertTrue(person.path("firstName").isTextual() && person.path("email").asText().contains("@"),
                    "a generated person, as JSON: " + person);
        } finally {
            logs.getConfiguration().getRootLogger().removeAppender(capture.getName());
            logs.updateLoggers();
            capture.stop();
        }
    }

    @Test
    void aFileThatIsNoConnectorPackageIsNamedAtStart(EmbeddedPulsar pulsar, @TempDir Path dir) throws Exception {
        Path notANar = Files.writeString(dir.resolve("not-a-connector.nar"), "hello");
        String topic = "persistent://public/default/" + TestTopics.unique("none");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        StreamBuilder builder = new StreamBuilder();
        builder.source("people", topic, Schema.BYTES).sink("print");
        Configuration config = Configuration.of(pulsar.jobSettings(TestTopics.unique("bad-nar")))
                .with("connector.people.type", "pulsar-io").with("connector.people.nar", notANar.toString())
                .with("connector.print.type", "pulsar-io").with("connector.print.nar", DATA_GENERATOR.toString());
        RuntimeException e = assertThrows(RuntimeException.class, () -> new JobRunner(builder.build(), config).start());
        assertTrue(e.getMessage().contains(notANar.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("Pulsar IO connector package"), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line: " + e.getMessage());
    }
}
