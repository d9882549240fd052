package dev.tributary.runtime;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import java.time.Duration;
import org.apache.pulsar.client.api.Schema;

/**
 * A stateful job for crash tests, run in a JVM of its own: copies every record to an echo topic and
 * counts records per key into a counts topic. Runs until killed, or stopped with SIGTERM.
 * Arguments: service URL, admin URL, application id, input, echo topic, counts topic, state directory,
 * and optionally the processing guarantee ({@code exactly-once}).
 */
public final class CountJobMain {
    private CountJobMain() {
    }

    static Topology topology(String input, String echo, String counts) {
        StreamBuilder builder = new StreamBuilder();
        var stream = builder.stream(input, Schema.STRING);
        stream.to(echo, Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.KEY_GROUP));
        stream.groupByKey().count().toStream()
                .to(counts, Produced.with(Schema.STRING, Schema.INT64).withBatching(ProducerBatching.KEY_GROUP));
        return builder.build();
    }

    public static void main(String[] args) throws Exception {
        Configuration config = Configuration.empty()
                .with(RuntimeOptions.SERVICE_URL, args[0])
                .with(RuntimeOptions.ADMIN_URL, args[1])
                .with(RuntimeOptions.APPLICATION_ID, args[2])
                .with(RuntimeOptions.STATE_DIR, args[6])
                .with(RuntimeOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        if (args.length > 7) {
            config = config.with(RuntimeOptions.PROCESSING_GUARANTEE,
                    ProcessingGuarantee.valueOf(args[7].toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
        }
        JobRunner job = new JobRunner(topology(args[3], args[4], args[5]), config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(job::close));
        System.out.println("RUNNING");
        System.out.flush();
        while (!job.awaitTermination(Duration.ofSeconds(1))) {
            // runs until killed or stopped
        }
        System.exit(job.failure().isPresent() ? 1 : 0);
    }
}
