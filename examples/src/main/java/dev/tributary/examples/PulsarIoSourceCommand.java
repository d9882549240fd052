package dev.tributary.examples;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.ConfigLoader;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.JobState;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.launcher.CommandLine;
import dev.tributary.runtime.launcher.JobLauncher;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;

/**
 * {@code pulsar-io-source --nar FILE [--config FILE] --output T}: runs any Pulsar IO source package
 * into a topic. Here {@code --config} is the connector's configuration (pulsar-admin's
 * {@code --source-config-file} format, YAML or JSON); job settings come from {@code TRIBUTARY_*}
 * variables and {@code --set}. Without {@code --service-url} it runs on an embedded broker until
 * {@code --records} records were written, and prints the first ones.
 */
final class PulsarIoSourceCommand {
    static final String NAME = "pulsar-io-source";
    static final String CONNECTOR = "io";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    PulsarIoSourceCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    static String usage() {
        return NAME + " --nar FILE [--config FILE] [--output TOPIC] [--service-url URL] [--records N]:\n  runs a Pulsar"
                + " IO source package (.nar) into a topic; --config is the connector's configuration (pulsar-admin's"
                + " --source-config-file, YAML or JSON)";
    }

    static Topology topology(String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.source(CONNECTOR, output, Schema.BYTES);
        return builder.build();
    }

    /** What is wrong with the command line, or null. */
    String usageProblem(CommandLine args) {
        if (!args.has("nar")) {
            return NAME + " needs --nar FILE, a Pulsar IO connector package";
        }
        if (!Files.isReadable(Path.of(args.get("nar", null)))) {
            return "--nar " + args.get("nar", null) + ": no such readable file";
        }
        if (args.configFile() != null && !Files.isReadable(args.configFile())) {
            return "--config " + args.configFile() + ": no such readable file";
        }
        return null;
    }

    int run(CommandLine args) throws Exception {
        Path nar = Path.of(args.get("nar", null));
        String output = args.get("output", "pulsar-io-source-out");
        // --config is the connector's here, so the job's settings come from the environment and --set only.
        ConfigLoader.Loaded loaded = ConfigLoader.load(RuntimeOptions.all(), null, environment, args.sets());
        loaded.warnings().forEach(warning -> err.println("warning: " + warning));
        // The output topic is the source's to write: the broker creates it on the first write if it is new.
        Configuration config = Configuration.empty().with(RuntimeOptions.APPLICATION_ID.key(), "tributary-" + NAME)
                .with(RuntimeOptions.REQUIRE_INPUT_TOPICS.key(), "false")
                .withAll(loaded.configuration())
                .with("connector." + CONNECTOR + ".type", "pulsar-io")
                .with("connector." + CONNECTOR + ".nar", nar.toAbsolutePath().toString());
        if (args.configFile() != null) {
            config = config.with("connector." + CONNECTOR + ".config-file", args.configFile().toAbsolutePath().toString());
        }
        for (String option : new String[] {"application-id", "service-url", "admin-url"}) {
            if (args.has(option)) {
                config = config.with(option.equals("application-id") ? RuntimeOptions.APPLICATION_ID.key()
                        : option.equals("service-url") ? RuntimeOptions.SERVICE_URL.key() : RuntimeOptions.ADMIN_URL.key(),
                        args.get(option, null));
            }
        }
        Topology topology = topology(output);
        if (config.contains(RuntimeOptions.SERVICE_URL)) {
            if (!config.contains(RuntimeOptions.HTTP_ENABLED)) {
                config = config.with(RuntimeOptions.HTTP_ENABLED.key(), "true");
            }
            JobRunner runner = new JobRunner(topology, config);
            out.println(topology.describe());
            runner.start();
            return JobLauncher.awaitStop(runner, err);
        }
        int records = Integer.parseInt(args.get("records", "20"));
        out.println("Starting an embedded Pulsar broker...");
        try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().build().start();
             PulsarClient client = pulsar.newClient()) {
            pulsar.admin().topics().createNonPartitionedTopic(output);
            out.println(topology.describe());
            try (Consumer<byte[]> reader = client.newConsumer(Schema.BYTES).topic(output).subscriptionName("demo-reader")
                    .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
                 JobRunner runner = new JobRunner(topology, config
                         .with(RuntimeOptions.SERVICE_URL.key(), pulsar.serviceUrl())
                         .with(RuntimeOptions.ADMIN_URL.key(), pulsar.httpUrl())
                         .with(RuntimeOptions.STATE_DIR.key(), pulsar.dataDirectory().resolve("job-state").toString()))) {
                runner.start();
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                int read = 0;
                out.println("Output topic '" + output + "', first records:");
                while (read < records && System.nanoTime() < deadline && runner.state() != JobState.FAILED) {
                    Message<byte[]> message = reader.receive(100, TimeUnit.MILLISECONDS);
                    if (message != null) {
                        if (read < 5) {
                            out.println("  " + new String(message.getValue(), StandardCharsets.UTF_8));
                        }
                        read++;
                    }
                }
                if (runner.state() == JobState.FAILED) {
                    err.println("error: job failed: " + runner.failure().map(Throwable::getMessage).orElse("?"));
                    return Examples.FAILED;
                }
                out.println("The source wrote " + read + " record(s) to '" + output + "'.");
                return read >= records ? Examples.OK : Examples.FAILED;
            }
        }
    }
}
