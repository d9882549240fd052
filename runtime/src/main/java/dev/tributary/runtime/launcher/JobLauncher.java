package dev.tributary.runtime.launcher;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.ConfigLoader;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.Job;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.JobState;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.inject.TributaryModule;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Starts a {@link Job} from the command line: the {@code Main-Class} of a job's fat jar.
 *
 * <pre>
 * java -jar my-job.jar [--config job.properties] [--set key=value ...] [--dry-run] [--help]
 * </pre>
 *
 * <p>Settings come from the job's defaults, the properties file, {@code TRIBUTARY_*} environment
 * variables and {@code --set} flags, later ones winning (see {@link ConfigLoader}); the launcher turns
 * on the HTTP endpoints ({@code http.enabled}) unless told otherwise, and the application id defaults
 * to the job's name. It prints a banner with the topology and the settings (secrets masked), runs the
 * job until SIGTERM or SIGINT, then stops it gracefully.
 *
 * <p>The job class is named in {@code META-INF/services/dev.tributary.runtime.Job} and created by Guice with {@link TributaryModule} and every {@link Module} listed in
 * {@code META-INF/services/com.google.inject.Module}. A job may instead have its own {@code main}
 * calling {@link #run(Class, String[], Module...)}.
 *
 * <p>Exit codes: 0 stopped cleanly (or a dry run passed); 1 the job failed while running; 2 a usage
 * error; 3 invalid settings or topology; 4 the job could not start (broker unreachable, credentials
 * refused, topic missing, schema refused).
 */
public final class JobLauncher {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int INVALID = 3;
    public static final int CANNOT_START = 4;

    private static final String USAGE_TEXT = "usage: java -jar <job>.jar " + CommandLine.SETTINGS_USAGE
            + " [--dry-run] [--describe text|dot|svg] [--help]";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    JobLauncher(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    /**
     * Runs the job the jar declares as a {@link Job} service.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        List<String> jobs;
        try {
            jobs = declaredJobs(Thread.currentThread().getContextClassLoader());
        } catch (java.io.IOException e) {
            System.err.println("error: cannot read " + JOB_DECLARATION + ": " + e.getMessage());
            System.exit(USAGE);
            return;
        }
        if (jobs.size() != 1) {
            System.err.println("error: expected exactly one job class in " + JOB_DECLARATION + ", found " + jobs);
            System.exit(USAGE);
        }
        Class<? extends Job> jobClass;
        try {
            jobClass = Class.forName(jobs.get(0)).asSubclass(Job.class);
        } catch (ClassNotFoundException | ClassCastException e) {
            System.err.println("error: the job class " + jobs.get(0) + " declared in " + JOB_DECLARATION
                    + " is not a " + Job.class.getName() + " on the class path: " + e.getMessage());
            System.exit(USAGE);
            return;
        }
        List<Module> modules = new ArrayList<>();
        ServiceLoader.load(Module.class).forEach(modules::add);
        System.exit(new JobLauncher(System.out, System.err, System.getenv()).launch(jobClass, args, modules));
    }

    /**
     * Where a jar names its job class, one per line, in the format of a service file. It is read
     * directly rather than through {@link ServiceLoader}, which insists on a no-argument constructor,
     * because the job is created by Guice and may take injected arguments.
     */
    static final String JOB_DECLARATION = "META-INF/services/" + Job.class.getName();

    static List<String> declaredJobs(ClassLoader loader) throws java.io.IOException {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (java.net.URL url : java.util.Collections.list(loader.getResources(JOB_DECLARATION))) {
            try (var in = url.openStream()) {
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    String name = line.replaceAll("#.*", "").trim();
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * Runs a job from a main method of the job's own and exits the process with the launcher's exit code.
     *
     * @param jobClass the job, created by Guice
     * @param args the command line
     * @param modules the job's own Guice modules
     */
    public static void run(Class<? extends Job> jobClass, String[] args, Module... modules) {
        System.exit(new JobLauncher(System.out, System.err, System.getenv()).launch(jobClass, args, List.of(modules)));
    }

    int launch(Class<? extends Job> jobClass, String[] args, List<Module> modules) {
        CommandLine line;
        try {
            line = CommandLine.parse(args, false, List.of("describe"), List.of("dry-run"));
        } catch (CommandLine.UsageException e) {
            return usage(e.getMessage());
        }
        if (line.has("help")) {
            out.println(USAGE_TEXT);
            out.println("settings: see docs/CONFIGURATION.md; environment variables TRIBUTARY_<KEY>");
            return OK;
        }
        boolean dryRun = line.has("dry-run");
        String describe = line.get("describe", null);
        if (describe != null && !dev.tributary.runtime.TopologyDiagram.FORMATS.contains(describe)) {
            return usage("--describe takes text, dot or svg, not '" + describe + "'");
        }
        TributaryModule tributary = null;
        try {
            List<ConfigOption<?>> runtimeOptions = RuntimeOptions.all();
            ConfigLoader.Loaded loaded = line.settings(runtimeOptions, environment);
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            // The job's settings are only known once the job exists; the defaults go under everything given.
            Configuration config = Configuration.empty().with(RuntimeOptions.HTTP_ENABLED, true)
                    .withAll(loaded.configuration());
            tributary = new TributaryModule(config, registry);
            List<Module> all = new ArrayList<>(modules);
            all.add(0, tributary);
            Injector injector = Guice.createInjector(all);
            Job job = injector.getInstance(jobClass);
            if (!config.contains(RuntimeOptions.APPLICATION_ID)) {
                config = config.with(RuntimeOptions.APPLICATION_ID.key(), job.name());
            }
            List<ConfigOption<?>> known = new ArrayList<>(runtimeOptions);
            known.addAll(job.options());
            for (String warning : line.settings(known, environment).warnings()) {
                err.println("warning: " + warning);
            }
            for (ConfigOption<?> option : known) {
                config.get(option);
            }
            Topology topology = job.topology(config);
            if (describe != null) {
                // Only the picture on standard output, so that it can be redirected to a file.
                out.print(dev.tributary.runtime.TopologyDiagram.render(topology, describe));
                return OK;
            }
            Map<String, String> origins = new LinkedHashMap<>(loaded.origins());
            origins.putIfAbsent(RuntimeOptions.APPLICATION_ID.key(), "the job's name");
            origins.putIfAbsent(RuntimeOptions.HTTP_ENABLED.key(), "launcher default");
            banner(job, topology, config, known, origins);
            if (dryRun) {
                out.println("Dry run: the settings and the topology are valid.");
                return OK;
            }
            return run(new JobRunner(topology, config, registry));
        } catch (ConfigException | TopologyException e) {
            err.println("error: " + e.getMessage());
            return INVALID;
        } catch (JobStartException e) {
            err.println("error: " + e.getMessage());
            return CANNOT_START;
        } catch (com.google.inject.CreationException | com.google.inject.ConfigurationException
                 | com.google.inject.ProvisionException e) {
            err.println("error: cannot create job " + jobClass.getName() + ": " + e.getMessage().replaceAll("\\s+", " "));
            return INVALID;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return FAILED;
        } finally {
            if (tributary != null) {
                tributary.close();
            }
        }
    }

    private int usage(String problem) {
        err.println("error: " + problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }

    private void banner(Job job, Topology topology, Configuration config, List<ConfigOption<?>> known,
                        Map<String, String> origins) {
        String version = JobLauncher.class.getPackage().getImplementationVersion();
        out.println("Tributary " + (version == null ? "(development build)" : version) + ": job '" + job.name() + "' ("
                + job.getClass().getName() + ")");
        out.println(topology.describe());
        out.println("Settings (secrets shown as ******):");
        for (String line : config.describe(known).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String key = line.substring(0, line.indexOf(" = "));
            out.println("  " + line + "   [" + origins.getOrDefault(key, "default") + "]");
        }
    }

    private int run(JobRunner runner) throws InterruptedException {
        runner.start();
        out.println("Job '" + runner.applicationId() + "' running"
                + (runner.httpPort() > 0 ? "; metrics and health on port " + runner.httpPort() : "") + ".");
        return awaitStop(runner, err);
    }

    /**
     * Waits for a started job until SIGTERM or SIGINT (then stops it gracefully) or until it fails.
     *
     * @param runner the started job
     * @param err where the stop and the failure are reported
     * @return {@link #OK} after a graceful stop, {@link #FAILED} if the job failed
     * @throws InterruptedException if interrupted while waiting
     */
    public static int awaitStop(JobRunner runner, PrintStream err) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            stopping.set(true);
            err.println("Stopping: finishing the records in hand and committing...");
            runner.close();
            stopped.countDown();
        };
        Signal.handle(new Signal("TERM"), signal -> new Thread(stop, "tributary-stop").start());
        Signal.handle(new Signal("INT"), signal -> new Thread(stop, "tributary-stop").start());
        while (!runner.awaitTermination(Duration.ofSeconds(1))) {
            if (stopped.getCount() == 0) {
                break;
            }
        }
        if (stopping.get()) {
            // A signal arrived: let the graceful stop finish; a job that failed by itself has nothing to wait for.
            stopped.await(1, TimeUnit.MINUTES);
        }
        if (runner.state() == JobState.FAILED) {
            err.println("error: job failed: " + runner.failure().map(Throwable::getMessage).orElse("unknown error"));
            runner.close();
            return FAILED;
        }
        err.println("Stopped after " + runner.processedRecords() + " records.");
        return OK;
    }
}
