package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.await;
import static dev.tributary.runtime.PulsarTestSupport.config;
import static dev.tributary.runtime.PulsarTestSupport.createTopic;
import static dev.tributary.runtime.PulsarTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The state directory of a running count job fills up (a 64 MB tmpfs of its own, filled by a file):
 * the job stops with an error that names the store, the directory and the cause, counts it in
 * {@code tributary.state.failures}, and acknowledges nothing it could not make durable. Started again
 * once the file is gone, it restores and finishes: under at-least-once nothing is lost, under
 * exactly-once nothing is duplicated either. Needs root (mount), as CI runs.
 */
@ExtendWith(PulsarExtension.class)
class StateDirectoryIT {
    private static final int KEYS = 200;
    private static final int PER_KEY = 40;

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void aFullStateDirectoryStopsTheJobAndLosesNothing(String guarantee, EmbeddedPulsar pulsar) throws Exception {
        Path stateDir = Files.createDirectories(temp.resolve("state"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", stateDir.toString()),
                "mounting a tmpfs needs root");
        try {
            String app = unique("full");
            String input = unique("full-in");
            String echo = unique("full-echo");
            String counts = unique("full-counts");
            createTopic(pulsar, input);
            Configuration settings = config(pulsar, app).with(RuntimeOptions.STATE_DIR, stateDir.toString())
                    .with(RuntimeOptions.PROCESSING_GUARANTEE.key(), guarantee)
                    .with(RuntimeOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
            try (PulsarClient client = pulsar.newClient()) {
                ExactOutputs.publish(client, input, KEYS, 0, PER_KEY / 2);
                try (JobRunner job = new JobRunner(CountJobMain.topology(input, echo, counts), settings).start()) {
                    await("the first half counted", Duration.ofSeconds(60),
                            () -> job.processedRecords() >= KEYS * PER_KEY / 2);
                    Path filler = fill(stateDir);
                    ExactOutputs.publish(client, input, KEYS, PER_KEY / 2, PER_KEY);
                    await("the job stops", Duration.ofSeconds(60), () -> job.state() == JobState.FAILED);
                    String error = job.failure().orElseThrow().getMessage();
                    System.out.println("StateDirectoryIT " + guarantee + ": " + error);
                    assertTrue(error.startsWith("the local state cannot be written or read: "), error);
                    assertTrue(error.contains(stateDir.toString()), "names the directory: " + error);
                    assertTrue(error.contains("No space left on device"), "names the cause: " + error);
                    assertTrue(error.contains("make state.dir writable"), "says what to do: " + error);
                    assertEquals(1.0, job.meterRegistry().get("tributary.state.failures").counter().count());
                    Files.delete(filler);
                }
                try (JobRunner again = new JobRunner(CountJobMain.topology(input, echo, counts), settings).start()) {
                    System.out.println("StateDirectoryIT " + guarantee + ": " + (guarantee.equals("exactly-once")
                            ? ExactOutputs.check(client, echo, counts, KEYS, PER_KEY, Duration.ofSeconds(90))
                            : ExactOutputs.checkNothingLost(client, echo, counts, KEYS, PER_KEY, Duration.ofSeconds(90))));
                }
            }
        } finally {
            run("umount", "-l", stateDir.toString());
        }
    }

    /** Writes a file until the file system is full. */
    private static Path fill(Path directory) throws Exception {
        Path filler = directory.resolve("filler");
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (java.io.IOException full) {
            return filler;
        }
    }

    private static boolean run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        boolean ok = process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        if (!ok) {
            System.out.println("StateDirectoryIT: " + String.join(" ", command) + " failed: " + output);
        }
        return ok;
    }

}
