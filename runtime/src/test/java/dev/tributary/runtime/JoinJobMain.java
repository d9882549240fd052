package dev.tributary.runtime;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import java.time.Duration;
import org.apache.pulsar.client.api.Schema;

/**
 * A join for crash tests, run in a JVM of its own: orders left-joined with customers (a table), or with
 * payments (a stream, within 2 s, grace 1 s), {@code order/other} to the output. Runs until killed, or
 * stopped with SIGTERM. Arguments: service URL, admin URL, application id, orders topic, customers or
 * payments topic, output topic, state directory, and {@code stream-stream} for the windowed join.
 */
public final class JoinJobMain {
    private JoinJobMain() {
    }

    static Topology topology(String orders, String customers, String output) {
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> table = builder.table(customers, Schema.STRING);
        builder.stream(orders, Schema.STRING).leftJoin(table, (order, customer) -> order + "/" + customer)
                .to(output, Schema.STRING);
        return builder.build();
    }

    static Topology windowed(String orders, String payments, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(orders, Schema.STRING).leftJoin(builder.stream(payments, Schema.STRING),
                        (order, payment) -> order + "/" + payment,
                        dev.tributary.dsl.JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .to(output, Schema.STRING);
        return builder.build();
    }

    public static void main(String[] args) throws Exception {
        Configuration config = Configuration.empty()
                .with(RuntimeOptions.SERVICE_URL, args[0])
                .with(RuntimeOptions.ADMIN_URL, args[1])
                .with(RuntimeOptions.APPLICATION_ID, args[2])
                .with(RuntimeOptions.STATE_DIR, args[6])
                .with(RuntimeOptions.KEY_GROUPS, 16)
                .with(RuntimeOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        Topology topology = args.length > 7 && args[7].equals("stream-stream") ? windowed(args[3], args[4], args[5])
                : topology(args[3], args[4], args[5]);
        JobRunner job = new JobRunner(topology, config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(job::close));
        System.out.println("RUNNING");
        System.out.flush();
        while (!job.awaitTermination(Duration.ofSeconds(1))) {
            // runs until killed or stopped
        }
        System.exit(job.failure().isPresent() ? 1 : 0);
    }
}
