package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.createTopic;
import static dev.tributary.runtime.PulsarTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.runtime.internal.faults.CrashPoints;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The count job, in a JVM of its own, crashes at each point of the commit and of the restore where a
 * crash is hardest to survive, one run after the other on the same state directory: after its outputs
 * were confirmed but before its input was acknowledged (under exactly-once: before its transaction
 * committed), after the acknowledgement (the commit) but before the local state and the checkpoint
 * caught up, and halfway through restoring a key group from its changelog. A last run finishes the
 * input. Under at-least-once nothing is lost; under exactly-once nothing is duplicated either.
 */
@ExtendWith(PulsarExtension.class)
class CrashPointsIT {
    private static final int KEYS = 500;
    private static final int PER_KEY = 60;

    @TempDir
    Path stateDir;

    @ParameterizedTest
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void aJobCrashedAtEachPointOfItsCommitAndRestore(String guarantee, EmbeddedPulsar pulsar) throws Exception {
        String app = unique("points");
        String input = unique("points-in");
        String echo = unique("points-echo");
        String counts = unique("points-counts");
        createTopic(pulsar, input);
        createTopic(pulsar, echo);
        Path log = Files.createDirectories(Path.of("target", "crash-logs")).resolve(app + ".log");
        try (PulsarClient client = pulsar.newClient()) {
            ExactOutputs.publish(client, input, KEYS, 0, PER_KEY);
            crashAt(pulsar, app, input, echo, counts, log, guarantee, CrashPoints.Point.AFTER_OUTPUTS_FLUSHED, 2);
            crashAt(pulsar, app, input, echo, counts, log, guarantee, CrashPoints.Point.AFTER_COMMIT, 2);
            // Without local files every key group restores its whole changelog, and the crash comes within.
            try (var files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder()).filter(path -> !path.equals(stateDir))
                        .forEach(path -> path.toFile().delete());
            }
            crashAt(pulsar, app, input, echo, counts, log, guarantee, CrashPoints.Point.DURING_RESTORE, 2);
            Process last = CrashIT.launch(pulsar, app, input, echo, counts, stateDir, log, guarantee);
            try {
                System.out.println("CrashPointsIT " + guarantee + ": " + (guarantee.equals("exactly-once")
                        ? ExactOutputs.check(client, echo, counts, KEYS, PER_KEY, Duration.ofSeconds(120))
                        : ExactOutputs.checkNothingLost(client, echo, counts, KEYS, PER_KEY, Duration.ofSeconds(120))));
            } finally {
                last.destroy();
                assertTrue(last.waitFor(30, TimeUnit.SECONDS), "the last run stopped on SIGTERM");
            }
        }
    }

    private void crashAt(EmbeddedPulsar pulsar, String app, String input, String echo, String counts, Path log,
                         String guarantee, CrashPoints.Point point, int reach) throws Exception {
        Process job = CrashIT.launch(pulsar, app, input, echo, counts, stateDir, log, guarantee,
                List.of("-D" + CrashPoints.PROPERTY + "=" + point.label() + ":" + reach));
        if (!job.waitFor(90, TimeUnit.SECONDS)) {
            job.destroyForcibly();
            throw new AssertionError("the job never reached crash point " + point.label() + " " + reach
                    + " times; see " + log.toAbsolutePath());
        }
        assertEquals(CrashPoints.EXIT_CODE, job.exitValue(), "the job halted at " + point.label() + "; see "
                + log.toAbsolutePath());
        assertTrue(Files.readString(log).contains("CRASH POINT " + point.label()), "the log names " + point.label());
    }

}
