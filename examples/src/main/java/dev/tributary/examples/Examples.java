package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.DeadLetterReplay;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.JobState;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.launcher.JobLauncher;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;

/**
 * Runs the example jobs.
 *
 * <pre>
 * java -jar tributary-examples.jar &lt;example&gt; [--service-url URL] [--admin-url URL] [--input T] [--output T]
 *                                 [--application-id ID] [--value-schema SPEC] [--records N]
 *                                 [--replay-from TIME] [--key-groups N] [--state-dir DIR]
 *                                 [--error-policy dead-letter|skip|fail] [--dead-letter-topic T]
 * java -jar tributary-examples.jar http-to-postgres [--records N]
 * java -jar tributary-examples.jar replay-dead-letters --service-url URL --dead-letter-topic T
 *                                 [--kinds processing,undecodable,invalid,output] [--subscription NAME]
 * </pre>
 *
 * <p>Without {@code --service-url} it starts an embedded broker, feeds sample data, runs the job,
 * prints what came out and exits. With it, the job runs against that broker until SIGTERM or
 * SIGINT, on which it finishes the records in hand, commits and exits 0.
 *
 * <p>Exit codes: 0 done or stopped cleanly; 1 the job failed while running; 2 a usage error;
 * 3 invalid settings or topology; 4 the job could not start (broker unreachable, topic missing,
 * schema refused).
 */
public final class Examples {
    // The same exit codes as the job launcher's, so scripts treat both alike.
    static final int OK = JobLauncher.OK;
    static final int FAILED = JobLauncher.FAILED;
    static final int USAGE = JobLauncher.USAGE;
    static final int INVALID = JobLauncher.INVALID;
    static final int CANNOT_START = JobLauncher.CANNOT_START;

    private static final Map<String, ExampleJob> JOBS = new LinkedHashMap<>();
    private static final String REPLAY = "replay-dead-letters";

    static {
        for (ExampleJob job : List.of(new WordCountExample(), new UserTotalsExample(), new ClickEnrichmentExample(),
                new RebatchExample())) {
            JOBS.put(job.name(), job);
        }
    }

    private final PrintStream out;
    private final PrintStream err;

    Examples(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Runs an example; see the class description for the arguments and exit codes.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "tributary-examples-log4j2.xml");
        }
        System.exit(new Examples(System.out, System.err).run(args));
    }

    int run(String[] args) {
        LauncherArgs parsed;
        try {
            parsed = LauncherArgs.parse(args);
        } catch (LauncherArgs.UsageException e) {
            return usage(e.getMessage());
        }
        if (parsed.has("help")) {
            out.println(help());
            return OK;
        }
        if (parsed.example == null) {
            return usage("name an example to run");
        }
        if (parsed.example.equals(REPLAY)) {
            return replayDeadLetters(parsed);
        }
        if (parsed.example.equals(HttpToPostgresDemo.NAME)) {
            try {
                return new HttpToPostgresDemo(out, err).run(parsed);
            } catch (Exception e) {
                err.println("error: " + e.getMessage());
                return FAILED;
            }
        }
        ExampleJob job = JOBS.get(parsed.example);
        if (job == null) {
            return usage("unknown example '" + parsed.example + "'");
        }
        try {
            return parsed.has("service-url") ? runAgainstBroker(job, parsed) : runDemo(job, parsed);
        } catch (ConfigException | TopologyException e) {
            err.println("error: " + e.getMessage());
            return INVALID;
        } catch (JobStartException e) {
            err.println("error: " + e.getMessage());
            return CANNOT_START;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return FAILED;
        } catch (Exception e) {
            err.println("error: " + e);
            return FAILED;
        }
    }

    private int replayDeadLetters(LauncherArgs args) {
        if (!args.has("service-url") || !args.has("dead-letter-topic")) {
            return usage(REPLAY + " needs --service-url and --dead-letter-topic");
        }
        Set<String> kinds = args.has("kinds") ? Set.of(args.get("kinds", "").split("\\s*,\\s*")) : Set.of();
        String subscription = args.get("subscription", "tributary-replay");
        try (PulsarClient client = PulsarClient.builder().serviceUrl(args.get("service-url", null))
                .operationTimeout(30, TimeUnit.SECONDS).build()) {
            DeadLetterReplay.Result result = DeadLetterReplay.replay(client, args.get("dead-letter-topic", null),
                    subscription, kinds, Duration.ofSeconds(2));
            out.println("Replayed " + result.replayed() + " dead letter(s); " + result.left()
                    + " left in the dead-letter topic.");
            result.refusals().forEach(line -> err.println("  not replayed: " + line));
            return result.refusals().isEmpty() ? OK : FAILED;
        } catch (PulsarClientException e) {
            err.println("error: cannot replay from '" + args.get("dead-letter-topic", null) + "': " + e.getMessage());
            return CANNOT_START;
        }
    }

    private int usage(String problem) {
        err.println("error: " + problem);
        err.println(help());
        return USAGE;
    }

    private static String help() {
        StringBuilder text = new StringBuilder("usage: java -jar tributary-examples.jar <example> [--service-url URL]"
                + " [--admin-url URL] [--input TOPIC] [--output TOPIC] [--application-id ID] [--value-schema SPEC]"
                + " [--records N] [--replay-from TIME] [--key-groups N] [--state-dir DIR]\nexamples:");
        JOBS.values().forEach(job -> text.append("\n  ").append(job.name()).append(": ").append(job.description()));
        text.append("\n  ").append(HttpToPostgresDemo.NAME).append(": orders posted over HTTP, totalled per customer and"
                + " upserted into an embedded PostgreSQL [--records N]");
        text.append("\nwithout --service-url the example runs once on an embedded broker with sample data");
        text.append("\n\n").append(REPLAY).append(" --service-url URL --dead-letter-topic TOPIC [--kinds K1,K2]"
                + " [--subscription NAME]:\n  puts dead-lettered records back on the topics they came from"
                + " (see docs/GUARANTEES.md)");
        text.append("\n\n--error-policy dead-letter|skip|fail sets the job's error policy");
        return text.toString();
    }

    private Configuration config(ExampleJob job, LauncherArgs args, String serviceUrl, String adminUrl) {
        Configuration config = Configuration.empty()
                .with(RuntimeOptions.APPLICATION_ID.key(), args.get("application-id", "tributary-" + job.name()))
                .with(RuntimeOptions.SERVICE_URL.key(), serviceUrl);
        if (adminUrl != null) {
            config = config.with(RuntimeOptions.ADMIN_URL.key(), adminUrl);
        }
        if (args.has("replay-from")) {
            config = config.with(RuntimeOptions.REPLAY_FROM.key(), args.get("replay-from", null));
        }
        if (args.has("state-dir")) {
            config = config.with(RuntimeOptions.STATE_DIR.key(), args.get("state-dir", null));
        }
        if (args.has("error-policy")) {
            config = config.with(RuntimeOptions.ERROR_POLICY.key(), args.get("error-policy", null));
        }
        if (args.has("dead-letter-topic")) {
            config = config.with(RuntimeOptions.DEAD_LETTER_TOPIC.key(), args.get("dead-letter-topic", null));
        }
        if (args.has("key-groups")) {
            config = config.with(RuntimeOptions.KEY_GROUPS.key(), args.get("key-groups", null));
        }
        return config;
    }

    private int runAgainstBroker(ExampleJob job, LauncherArgs args) throws InterruptedException {
        String input = args.get("input", job.defaultInput());
        String output = args.get("output", job.defaultOutput());
        Topology topology = job.topology(input, output, args);
        Configuration config = config(job, args, args.get("service-url", null), args.get("admin-url", null));
        JobRunner runner = new JobRunner(topology, config);
        out.println(topology.describe());
        runner.start();
        return JobLauncher.awaitStop(runner, err);
    }

    private int runDemo(ExampleJob job, LauncherArgs args) throws Exception {
        int records = Integer.parseInt(args.get("records", "2000"));
        String input = args.get("input", job.defaultInput());
        String output = args.get("output", job.defaultOutput());
        out.println("Starting an embedded Pulsar broker...");
        try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().build().start();
             PulsarClient client = pulsar.newClient()) {
            pulsar.admin().topics().createNonPartitionedTopic(input);
            Topology topology = job.topology(input, output, args);
            out.println(topology.describe());
            int fed = job.feed(client, input, records, args);
            out.println("Published " + fed + " sample records to '" + input + "'.");
            try (Consumer<?> reader = client.newConsumer(job.outputSchema(args)).topic(output)
                    .subscriptionName("demo-reader").subscriptionType(SubscriptionType.Exclusive)
                    .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
                 JobRunner runner = new JobRunner(topology, config(job, args, pulsar.serviceUrl(), pulsar.httpUrl())
                         .with(RuntimeOptions.STATE_DIR.key(), pulsar.dataDirectory().resolve("job-state").toString()))) {
                long started = System.nanoTime();
                runner.start();
                List<Message<?>> outputs = new ArrayList<>();
                long idleSince = System.nanoTime();
                long allProcessed = 0;
                while (System.nanoTime() - idleSince < Duration.ofSeconds(2).toNanos()
                        || runner.processedRecords() < fed) {
                    Message<?> message = reader.receive(100, TimeUnit.MILLISECONDS);
                    if (message != null) {
                        outputs.add(message);
                        idleSince = System.nanoTime();
                    }
                    if (allProcessed == 0 && runner.processedRecords() >= fed) {
                        allProcessed = System.nanoTime();
                    }
                    if (runner.state() == JobState.FAILED || System.nanoTime() - started > Duration.ofMinutes(2).toNanos()) {
                        break;
                    }
                }
                if (runner.state() == JobState.FAILED) {
                    err.println("error: job failed: " + runner.failure().map(Throwable::getMessage).orElse("?"));
                    return FAILED;
                }
                out.println("Output topic '" + output + "', first records:");
                outputs.stream().limit(5).forEach(m -> out.println("  " + m.getKey() + " -> " + m.getValue()));
                out.println(job.summarize(outputs, fed));
                out.printf("Processed %d records (input and internal topics) in %d ms from job start, with %d commits.%n",
                        runner.processedRecords(), (allProcessed - started) / 1_000_000, runner.commits());
            }
        }
        return OK;
    }
}
