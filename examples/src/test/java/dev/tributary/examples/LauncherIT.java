package dev.tributary.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.examples.clicks.Click;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Runs the launcher in its own JVM, as a user would, and checks its output and exit code. */
@ExtendWith(PulsarExtension.class)
class LauncherIT {
    @TempDir
    Path temp;

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private Result launch(long timeoutSeconds, String... args) throws Exception {
        Process process = start(args);
        assertTrue(process.waitFor(timeoutSeconds, TimeUnit.SECONDS), "the launcher did not exit in time (a hang)");
        return result(process);
    }

    private Process start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "--add-opens", "java.base/jdk.internal.platform=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Examples.class.getName()));
        command.addAll(List.of(args));
        String id = UUID.randomUUID().toString();
        return new ProcessBuilder(command)
                .redirectOutput(temp.resolve(id + ".out").toFile())
                .redirectError(temp.resolve(id + ".err").toFile())
                .start();
    }

    private Result result(Process process) throws Exception {
        File[] files = temp.toFile().listFiles();
        // The newest pair of files belongs to this process; read them by name instead.
        String out = "";
        String err = "";
        for (File file : files) {
            String text = Files.readString(file.toPath(), StandardCharsets.UTF_8);
            if (file.getName().endsWith(".out")) {
                out = text;
            } else {
                err = text;
            }
            Files.delete(file.toPath());
        }
        return new Result(process.exitValue(), out, err);
    }

    private static long errorLines(String stderr) {
        return stderr.lines().filter(line -> line.startsWith("error: ")).count();
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithASuggestion() throws Exception {
        Result result = launch(30, "click-enrich", "--servce-url", "pulsar://x:6650");
        assertEquals(Examples.USAGE, result.exitCode());
        assertTrue(result.stderr().contains("error: unknown option '--servce-url' (did you mean '--service-url'?)"),
                result.stderr());
        assertEquals(1, errorLines(result.stderr()));
    }

    @Test
    void anUnknownExampleIsAUsageError() throws Exception {
        Result result = launch(30, "no-such-example");
        assertEquals(Examples.USAGE, result.exitCode());
        assertTrue(result.stderr().contains("error: unknown example 'no-such-example'"), result.stderr());
    }

    @Test
    void anInvalidTopicNameIsOneClearLine(EmbeddedPulsar pulsar) throws Exception {
        Result result = launch(60, "click-enrich", "--service-url", pulsar.serviceUrl(), "--admin-url", pulsar.httpUrl(),
                "--output", "bogus://public/default/out");
        assertEquals(Examples.INVALID, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("error: invalid topic name 'bogus://public/default/out' in sink"),
                result.stderr());
        assertEquals(1, errorLines(result.stderr()));
    }

    @Test
    void aMissingSchemaClassIsOneClearLine(EmbeddedPulsar pulsar) throws Exception {
        Result result = launch(60, "rebatch", "--service-url", pulsar.serviceUrl(),
                "--value-schema", "json:com.example.DoesNotExist");
        assertEquals(Examples.INVALID, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("error: schema class 'com.example.DoesNotExist' of --value-schema"),
                result.stderr());
        assertEquals(1, errorLines(result.stderr()));
    }

    @Test
    void anUnreachableBrokerIsOneClearLineNotAHang() throws Exception {
        Result result = launch(60, "click-enrich", "--service-url", "pulsar://127.0.0.1:1");
        assertEquals(Examples.CANNOT_START, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("error: cannot reach the Pulsar admin API at http://127.0.0.1:8080"),
                result.stderr());
        assertEquals(1, errorLines(result.stderr()));
    }

    @Test
    void sigtermStopsTheJobGracefullyWithEverythingCommitted(EmbeddedPulsar pulsar) throws Exception {
        String input = "launcher-clicks-" + UUID.randomUUID().toString().substring(0, 8);
        String app = "launcher-" + UUID.randomUUID().toString().substring(0, 8);
        pulsar.admin().topics().createNonPartitionedTopic(input);
        try (PulsarClient client = pulsar.newClient();
             Producer<Click> producer = client.newProducer(Schema.JSON(Click.class)).topic(input).create()) {
            for (int i = 0; i < 500; i++) {
                producer.newMessage().key("u" + i).value(new Click("u" + i, "/shop", "Mozilla", i)).sendAsync();
            }
            producer.flush();
        }
        Process process = start("click-enrich", "--service-url", pulsar.serviceUrl(), "--admin-url", pulsar.httpUrl(),
                "--input", input, "--output", input + "-out", "--application-id", app);
        String topic = "persistent://public/default/" + input;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!committed(pulsar, topic, app)) {
            assertTrue(process.isAlive(), "the job exited early");
            assertTrue(System.nanoTime() < deadline, "the job did not process its input in time");
            Thread.onSpinWait();
        }
        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM");
        Result result = result(process);
        assertEquals(Examples.OK, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("Stopped after 500 records."), result.stderr());
        assertEquals(0, pulsar.admin().topics().getStats(topic).getSubscriptions().get(app).getMsgBacklog());
    }

    private static boolean committed(EmbeddedPulsar pulsar, String topic, String subscription) {
        try {
            var subscriptions = pulsar.admin().topics().getStats(topic).getSubscriptions();
            return subscriptions.containsKey(subscription) && subscriptions.get(subscription).getMsgBacklog() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
