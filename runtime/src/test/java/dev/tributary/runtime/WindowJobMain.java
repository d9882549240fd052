package dev.tributary.runtime;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.TimeWindows;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.state.Materialized;
import java.time.Duration;
import org.apache.pulsar.client.api.Schema;

/**
 * A windowed job for crash tests, run in a JVM of its own: counts records per key in tumbling windows
 * of 1 s with 500 ms grace, every update to the counts topic. Runs until killed, or stopped with SIGTERM.
 * Arguments: service URL, admin URL, application id, input, counts topic, state directory.
 */
public final class WindowJobMain {
    private WindowJobMain() {
    }

    static Topology topology(String input, String counts) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(1), Duration.ofMillis(500)))
                .count(Materialized.as("window-counts")).toStream().to(counts, Schema.INT64);
        return builder.build();
    }

    public static void main(String[] args) throws Exception {
        Configuration config = Configuration.empty()
                .with(RuntimeOptions.SERVICE_URL, args[0])
                .with(RuntimeOptions.ADMIN_URL, args[1])
                .with(RuntimeOptions.APPLICATION_ID, args[2])
                .with(RuntimeOptions.STATE_DIR, args[5])
                .with(RuntimeOptions.KEY_GROUPS, 16)
                .with(RuntimeOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        JobRunner job = new JobRunner(topology(args[3], args[4]), config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(job::close));
        System.out.println("RUNNING");
        System.out.flush();
        while (!job.awaitTermination(Duration.ofSeconds(1))) {
            // runs until killed or stopped
        }
        System.exit(job.failure().isPresent() ? 1 : 0);
    }
}
