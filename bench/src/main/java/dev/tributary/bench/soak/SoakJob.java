package dev.tributary.bench.soak;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.ProcessingGuarantee;
import dev.tributary.runtime.RuntimeOptions;
import java.time.Duration;
import java.util.Locale;
import org.apache.pulsar.client.api.Schema;

/**
 * One instance of the soak's job, in a JVM of its own: echoes every record and counts records per key.
 * Arguments: service URL, admin URL, application id, instance id, input, echo topic, counts topic, state
 * directory, processing guarantee. Runs until killed or stopped.
 */
public final class SoakJob {
    private SoakJob() {
    }

    static Topology topology(String input, String echo, String counts) {
        StreamBuilder builder = new StreamBuilder();
        var stream = builder.stream(input, Schema.STRING);
        stream.to(echo, Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.KEY_GROUP));
        stream.groupByKey().count().toStream()
                .to(counts, Produced.with(Schema.STRING, Schema.INT64).withBatching(ProducerBatching.KEY_GROUP));
        return builder.build();
    }

    /**
     * Runs the instance.
     *
     * @param args see the class comment
     * @throws Exception if the job cannot start
     */
    public static void main(String[] args) throws Exception {
        Configuration config = Configuration.empty()
                .with(RuntimeOptions.SERVICE_URL, args[0])
                .with(RuntimeOptions.ADMIN_URL, args[1])
                .with(RuntimeOptions.APPLICATION_ID, args[2])
                .with(RuntimeOptions.INSTANCE_ID, args[3])
                .with(RuntimeOptions.STATE_DIR, args[7])
                .with(RuntimeOptions.TRANSACTION_TIMEOUT, Duration.ofSeconds(10))
                .with(RuntimeOptions.PROCESSING_GUARANTEE,
                        ProcessingGuarantee.valueOf(args[8].toUpperCase(Locale.ROOT).replace('-', '_')));
        JobRunner job = new JobRunner(topology(args[4], args[5], args[6]), config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(job::close));
        while (!job.awaitTermination(Duration.ofSeconds(1))) {
            // runs until killed or stopped
        }
        System.exit(job.failure().isPresent() ? 1 : 0);
    }
}
