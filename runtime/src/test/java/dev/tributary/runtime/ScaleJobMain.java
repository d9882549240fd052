package dev.tributary.runtime;

import dev.tributary.dsl.config.Configuration;
import java.time.Duration;

/**
 * One instance of the stateful count job of {@link CountJobMain}, for tests that run several
 * instances in JVMs of their own. Serves its metrics on a free port, printed as {@code HTTP <port>}.
 * Arguments: service URL, admin URL, application id, input, echo topic, counts topic, state
 * directory, instance id, and optionally the number of standby replicas and the processing guarantee
 * ({@code exactly-once} runs with a transaction timeout of 10 s, which bounds a crashed instance's
 * fail-over).
 */
public final class ScaleJobMain {
    private ScaleJobMain() {
    }

    public static void main(String[] args) throws Exception {
        Configuration config = Configuration.empty()
                .with(RuntimeOptions.SERVICE_URL, args[0])
                .with(RuntimeOptions.ADMIN_URL, args[1])
                .with(RuntimeOptions.APPLICATION_ID, args[2])
                .with(RuntimeOptions.STATE_DIR, args[6])
                .with(RuntimeOptions.INSTANCE_ID, args[7])
                .with(RuntimeOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1))
                .with(RuntimeOptions.HTTP_ENABLED, true)
                .with(RuntimeOptions.HTTP_PORT, 0)
                .with(RuntimeOptions.STANDBY_REPLICAS, args.length > 8 ? Integer.parseInt(args[8]) : 0);
        if (args.length > 9 && args[9].equals("exactly-once")) {
            config = config.with(RuntimeOptions.PROCESSING_GUARANTEE, ProcessingGuarantee.EXACTLY_ONCE)
                    .with(RuntimeOptions.TRANSACTION_TIMEOUT, Duration.ofSeconds(10));
        }
        JobRunner job = new JobRunner(CountJobMain.topology(args[3], args[4], args[5]), config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(job::close));
        System.out.println("HTTP " + job.httpPort());
        System.out.flush();
        while (!job.awaitTermination(Duration.ofSeconds(1))) {
            // runs until killed or stopped
        }
        System.exit(job.failure().isPresent() ? 1 : 0);
    }
}
