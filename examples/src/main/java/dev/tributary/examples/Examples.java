package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.ConfigLoader;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.DeadLetterReplay;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.TopologyDiagram;
import dev.tributary.runtime.JobState;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.launcher.CommandLine;
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
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;

/**
 * Runs the example jobs.
 *
 * <pre>
 * java -jar tributary-examples.jar &lt;example&gt; [--config FILE] [--set key=value ...]
 *                                 [--service-url URL] [--admin-url URL] [--input T] [--output T]
 *                                 [--application-id ID] [--value-schema SPEC] [--records N]
 *                                 [--replay-from TIME] [--key-groups N] [--state-dir DIR]
 *                                 [--error-policy dead-letter|skip|fail] [--dead-letter-topic T]
 *                                 [--guarantee at-least-once|exactly-once]
 * java -jar tributary-examples.jar http-to-postgres [--records N]
 * java -jar tributary-examples.jar replay-dead-letters --service-url URL --dead-letter-topic T
 *                                 [--kinds processing,undecodable,invalid-timestamp,invalid,output,rejected-by-source]
 *                                 [--subscription NAME]
 * </pre>
 *
 * <p>Job settings come as for every job jar (see {@code JobLauncher}): a properties file, {@code TRIBUTARY_*}
 * environment variables and {@code --set} flags, later ones winning, with the example's own options on
 * top; so two instances of an example share its work with their own {@code TRIBUTARY_INSTANCE_ID} and
 * {@code TRIBUTARY_HTTP_PORT}. Against a broker, the job serves /metrics and /health ({@code http.port}, 9400).
 *
 * <p>Without {@code --service-url} (or {@code pulsar.service.url}) it starts an embedded broker, feeds sample data, runs the job,
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
                new RebatchExample(), new WindowedCountExample(), new UserSessionsExample(),
                new OrderEnrichmentExample(), new AdAttributionExample())) {
            JOBS.put(job.name(), job);
        }
    }

    /** The examples' own options, on top of the job settings every launcher takes (see {@link CommandLine}). */
    static final List<String> OPTIONS = List.of("service-url", "admin-url", "input", "output", "application-id",
            "value-schema", "records", "replay-from", "key-groups", "state-dir", "error-policy", "dead-letter-topic",
            "kinds", "subscription", "window", "grace", "emit", "late-topic", "gap", "orders", "customers", "impressions", "clicks",
            "guarantee", "nar", "describe");

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    /** The examples that run a topology, by name. */
    static java.util.Set<String> jobNames() {
        return JOBS.keySet();
    }

    Examples(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    /**
     * Runs an example; see the class description for the arguments and exit codes.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (System.getProperty("log4j2.contextSelector") == null) {
            // One logging context for the process: log4j would give the classes of a connector package,
            // loaded by a class loader of their own, a context of their own without this configuration.
            System.setProperty("log4j2.contextSelector", "org.apache.logging.log4j.core.selector.BasicContextSelector");
        }
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "tributary-examples-log4j2.xml");
        }
        System.exit(new Examples(System.out, System.err, System.getenv()).run(args));
    }

    int run(String[] args) {
        CommandLine parsed;
        try {
            parsed = CommandLine.parse(args, true, OPTIONS, List.of());
        } catch (CommandLine.UsageException e) {
            return usage(e.getMessage());
        }
        if (parsed.has("help")) {
            out.println(help());
            return OK;
        }
        if (parsed.command() == null) {
            return usage("name an example to run");
        }
        if (parsed.command().equals(REPLAY)) {
            return replayDeadLetters(parsed);
        }
        if (parsed.command().equals(PulsarIoSourceCommand.NAME)) {
            PulsarIoSourceCommand command = new PulsarIoSourceCommand(out, err, environment);
            String problem = command.usageProblem(parsed);
            return problem != null ? usage(problem) : reporting(() -> command.run(parsed));
        }
        if (parsed.command().equals(HttpToPostgresDemo.NAME)) {
            try {
                return new HttpToPostgresDemo(out, err).run(parsed);
            } catch (Exception e) {
                err.println("error: " + e.getMessage());
                return FAILED;
            }
        }
        ExampleJob job = JOBS.get(parsed.command());
        if (job == null) {
            return usage("unknown example '" + parsed.command() + "'");
        }
        if (parsed.has("describe")) {
            String format = parsed.get("describe", "");
            if (!TopologyDiagram.FORMATS.contains(format)) {
                return usage("--describe takes text, dot or svg, not '" + format + "'");
            }
            // The topology alone, on standard output: nothing connects or starts.
            return reporting(() -> {
                out.print(TopologyDiagram.render(job.topology(parsed.get(job.inputOption(), job.defaultInput()),
                        parsed.get("output", job.defaultOutput()), parsed), format));
                return OK;
            });
        }
        return reporting(() -> {
            Configuration settings = config(job, parsed);
            return settings.contains(RuntimeOptions.SERVICE_URL) ? runAgainstBroker(job, parsed, settings)
                    : runDemo(job, parsed, settings);
        });
    }

    /** Runs a job to its exit code, each kind of failure as one line with the launcher's code for it. */
    private int reporting(java.util.concurrent.Callable<Integer> job) {
        try {
            return job.call();
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

    private int replayDeadLetters(CommandLine args) {
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
        StringBuilder text = new StringBuilder("usage: java -jar tributary-examples.jar <example> "
                + CommandLine.SETTINGS_USAGE + " [--service-url URL]"
                + " [--admin-url URL] [--input TOPIC] [--output TOPIC] [--application-id ID] [--value-schema SPEC]"
                + " [--records N] [--replay-from TIME] [--key-groups N] [--state-dir DIR]\nexamples:");
        JOBS.values().forEach(job -> text.append("\n  ").append(job.name()).append(": ").append(job.description()));
        text.append("\n  ").append(HttpToPostgresDemo.NAME).append(": orders posted over HTTP, totalled per customer and"
                + " upserted into an embedded PostgreSQL [--records N]");
        text.append("\nwithout --service-url the example runs once on an embedded broker with sample data");
        text.append("\n\n").append(REPLAY).append(" --service-url URL --dead-letter-topic TOPIC [--kinds K1,K2]"
                + " [--subscription NAME]:\n  puts dead-lettered records back on the topics they came from"
                + " (see docs/GUARANTEES.md)");
        text.append("\n\n").append(PulsarIoSourceCommand.usage());
        text.append("\n\n--error-policy dead-letter|skip|fail sets the job's error policy");
        text.append("\n--describe text|dot|svg prints the example's topology (as text, Graphviz DOT or SVG) and exits");
        text.append("\n--guarantee at-least-once|exactly-once sets processing.guarantee (docs/GUARANTEES.md)");
        text.append("\njob settings (docs/CONFIGURATION.md) come from --config FILE, TRIBUTARY_<KEY> environment variables"
                + " and --set key=value, with the options above on top");
        return text.toString();
    }

    /**
     * The job's settings: the example's defaults, then the settings every launcher takes (file,
     * {@code TRIBUTARY_*} environment, {@code --set}), then the example's own options on top.
     *
     */
    private Configuration config(ExampleJob job, CommandLine args) {
        ConfigLoader.Loaded loaded = args.settings(RuntimeOptions.all(), environment);
        loaded.warnings().forEach(warning -> err.println("warning: " + warning));
        Configuration config = Configuration.empty()
                .with(RuntimeOptions.APPLICATION_ID.key(), "tributary-" + job.name())
                .withAll(loaded.configuration());
        Map<String, ConfigOption<?>> byOption = new LinkedHashMap<>();
        byOption.put("application-id", RuntimeOptions.APPLICATION_ID);
        byOption.put("service-url", RuntimeOptions.SERVICE_URL);
        byOption.put("admin-url", RuntimeOptions.ADMIN_URL);
        byOption.put("replay-from", RuntimeOptions.REPLAY_FROM);
        byOption.put("state-dir", RuntimeOptions.STATE_DIR);
        byOption.put("error-policy", RuntimeOptions.ERROR_POLICY);
        byOption.put("dead-letter-topic", RuntimeOptions.DEAD_LETTER_TOPIC);
        byOption.put("key-groups", RuntimeOptions.KEY_GROUPS);
        byOption.put("late-topic", RuntimeOptions.LATE_TOPIC);
        byOption.put("guarantee", RuntimeOptions.PROCESSING_GUARANTEE);
        for (Map.Entry<String, ConfigOption<?>> option : byOption.entrySet()) {
            if (args.has(option.getKey())) {
                config = config.with(option.getValue().key(), args.get(option.getKey(), null));
            }
        }
        return config;
    }

    private int runAgainstBroker(ExampleJob job, CommandLine args, Configuration config) throws InterruptedException {
        String input = args.get(job.inputOption(), job.defaultInput());
        String output = args.get("output", job.defaultOutput());
        Topology topology = job.topology(input, output, args);
        if (!config.contains(RuntimeOptions.HTTP_ENABLED)) {
            // As with the job launcher, a job run against a broker serves /metrics and /health.
            config = config.with(RuntimeOptions.HTTP_ENABLED.key(), "true");
        }
        JobRunner runner = new JobRunner(topology, config);
        out.println(topology.describe());
        runner.start();
        return JobLauncher.awaitStop(runner, err);
    }

    private int runDemo(ExampleJob job, CommandLine args, Configuration config) throws Exception {
        int records = Integer.parseInt(args.get("records", "2000"));
        String input = args.get(job.inputOption(), job.defaultInput());
        String output = args.get("output", job.defaultOutput());
        out.println("Starting an embedded Pulsar broker...");
        try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().build().start();
             PulsarClient client = pulsar.newClient()) {
            pulsar.admin().topics().createNonPartitionedTopic(input);
            Topology topology = job.topology(input, output, args);
            for (Map.Entry<ConfigOption<?>, String> setting : job.demoSettings(args).entrySet()) {
                if (!config.contains(setting.getKey())) {
                    config = config.with(setting.getKey().key(), setting.getValue());
                }
            }
            out.println(topology.describe());
            int fed = job.feed(client, input, records, args);
            out.println("Published " + fed + " sample records to '" + input + "'.");
            try (Consumer<?> reader = client.newConsumer(job.outputSchema(args)).topic(output)
                    .subscriptionName("demo-reader").subscriptionType(SubscriptionType.Exclusive)
                    .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
                 JobRunner runner = new JobRunner(topology, config
                         .with(RuntimeOptions.SERVICE_URL.key(), pulsar.serviceUrl())
                         .with(RuntimeOptions.ADMIN_URL.key(), pulsar.httpUrl())
                         .with(RuntimeOptions.STATE_DIR.key(), pulsar.dataDirectory().resolve("job-state").toString()))) {
                long started = System.nanoTime();
                runner.start();
                List<Message<?>> outputs = new ArrayList<>();
                long idleSince = System.nanoTime();
                long allProcessed = 0;
                while (System.nanoTime() - idleSince < job.demoSettle().toNanos()
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
