package dev.tributary.runtime;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.runtime.internal.assembly.RunningJob;
import dev.tributary.runtime.internal.compile.CompileContext;
import dev.tributary.runtime.internal.compile.CompiledTopology;
import dev.tributary.runtime.internal.compile.TopologyCompiler;
import dev.tributary.runtime.internal.connect.ConnectorRuntime;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.ops.OpsServer;
import dev.tributary.runtime.internal.assembly.QuerySettings;
import dev.tributary.runtime.internal.query.JobQueries;
import dev.tributary.runtime.query.KeyQueryMetadata;
import dev.tributary.runtime.query.QueryableStoreType;
import dev.tributary.runtime.query.QueryableStoreTypes;
import dev.tributary.runtime.query.StoreUnavailableException;
import dev.tributary.runtime.internal.task.ErrorHandling;
import dev.tributary.runtime.internal.translate.DefaultTranslators;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a topology on Pulsar: consumes its input topics through the job's subscription, processes
 * records, writes outputs and commits at-least-once.
 *
 * <pre>{@code
 * Configuration config = Configuration.empty()
 *         .with(RuntimeOptions.APPLICATION_ID, "click-enricher")
 *         .with(RuntimeOptions.SERVICE_URL, "pulsar://broker:6650");
 * try (JobRunner job = new JobRunner(topology, config).start()) {
 *     job.awaitTermination(Duration.ofHours(1));
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops gracefully: it stops taking records, finishes the ones in hand, commits
 * and disconnects. Input processed but not committed when a process dies is delivered again.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final Topology topology;
    private final Configuration config;
    private final String applicationId;
    private final TaskMetrics metrics;
    private final ErrorHandling errors;
    private volatile OpsServer ops;
    private volatile JobState state = JobState.CREATED;
    private volatile RunningJob running;
    private volatile String instanceId;
    private volatile JobQueries queries;

    /**
     * Prepares a job; nothing connects until {@link #start()}.
     *
     * @param topology the topology to run
     * @param config the settings (see {@link RuntimeOptions}); {@code application.id} is required
     * @throws dev.tributary.dsl.config.ConfigException if a setting is missing or invalid
     */
    public JobRunner(Topology topology, Configuration config) {
        this(topology, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /**
     * Prepares a job that reports its metrics to the given registry; nothing connects until
     * {@link #start()}.
     *
     * @param topology the topology to run
     * @param config the settings (see {@link RuntimeOptions}); {@code application.id} is required
     * @param registry where the job's counters and gauges go, tagged with {@code application}; with
     *     {@code http.enabled} it must be a {@link PrometheusMeterRegistry}, which {@code /metrics} serves
     * @throws dev.tributary.dsl.config.ConfigException if a setting is missing or invalid
     */
    public JobRunner(Topology topology, Configuration config, MeterRegistry registry) {
        this.topology = Objects.requireNonNull(topology, "topology");
        this.config = Objects.requireNonNull(config, "config");
        for (var option : RuntimeOptions.all()) {
            config.get(option);
        }
        this.applicationId = config.get(RuntimeOptions.APPLICATION_ID);
        if (config.get(RuntimeOptions.PROCESSING_GUARANTEE) == ProcessingGuarantee.EXACTLY_ONCE
                && config.get(RuntimeOptions.TRANSACTION_TIMEOUT).compareTo(
                        config.get(RuntimeOptions.COMMIT_INTERVAL).multipliedBy(3)) < 0) {
            // A commit's transaction opens with its first write, up to commit.interval before the commit.
            throw new dev.tributary.dsl.config.ConfigException(RuntimeOptions.TRANSACTION_TIMEOUT.key(),
                    "transaction.timeout (" + config.get(RuntimeOptions.TRANSACTION_TIMEOUT) + ") must be at least three"
                            + " times commit.interval (" + config.get(RuntimeOptions.COMMIT_INTERVAL) + ") under"
                            + " exactly-once, or the broker aborts transactions before they commit");
        }
        this.errors = ErrorHandling.from(config, nodeNames());
        ConnectorRuntime.checkSettings(topology, config);
        this.metrics = new TaskMetrics(Objects.requireNonNull(registry, "registry"), applicationId);
        if (config.get(RuntimeOptions.HTTP_ENABLED) && !(registry instanceof PrometheusMeterRegistry)) {
            throw new dev.tributary.dsl.config.ConfigException(RuntimeOptions.HTTP_ENABLED.key(),
                    "http.enabled serves the job's registry to Prometheus, so it must be a PrometheusMeterRegistry, not "
                            + registry.getClass().getName());
        }
    }

    private List<String> nodeNames() {
        return topology.nodes().stream().map(PlanNode::name).toList();
    }

    /**
     * The registry holding the job's metrics: records retried, held, dead-lettered, skipped and failed,
     * dead-letter and output write failures, acknowledgement failures and input pauses (names start
     * with {@code tributary.}; see docs/GUARANTEES.md).
     *
     * @return the registry given at construction, or the job's own
     */
    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /**
     * Connects, subscribes and starts processing. Returns once every input is subscribed, every
     * fixed output has its producer and the key groups assigned now are claimed, so that errors in any
     * of them surface here. Their state is restored after that, each key group processing as soon as
     * its own restore is done while the others restore ({@link #awaitKeyGroupsReady} waits for all).
     *
     * @return this job, running
     * @throws TopologyException if the topology cannot run (an invalid topic name, say)
     * @throws JobStartException if the broker is unreachable, a topic is missing, or a schema is refused
     */
    public synchronized JobRunner start() {
        if (state != JobState.CREATED) {
            throw new IllegalStateException("job '" + applicationId + "' was already started");
        }
        KeyGroups keyGroups = new KeyGroups(config.get(RuntimeOptions.KEY_GROUPS));
        // Beside every instance's owned count, so that an alert can see a key group nobody owns.
        metrics.gauge(TaskMetrics.KEY_GROUPS).set(keyGroups.count());
        CompileContext context = new CompileContext(keyGroups, applicationId, config.get(RuntimeOptions.INTERNAL_NAMESPACE),
                config.get(RuntimeOptions.IDLE_ADVANCE).toMillis(),
                dev.tributary.runtime.internal.global.GlobalTables.of(topology));
        CompiledTopology compiled = new TopologyCompiler(DefaultTranslators.registry()).compile(topology, context);
        dev.tributary.runtime.internal.compile.NonPersistentInputs.check(
                compiled.sources().stream().flatMap(source -> source.topics().stream()).toList(),
                topology.stores().stream().map(store -> store.name()).toList(), context.globals().topics().stream()
                        .map(topic -> dev.tributary.runtime.internal.compile.TopicNames.normalize(topic, "a global table"))
                        .toList(),
                config.get(RuntimeOptions.PROCESSING_GUARANTEE) == ProcessingGuarantee.EXACTLY_ONCE,
                config.get(RuntimeOptions.REPLAY_FROM) != null);
        if (config.get(RuntimeOptions.HTTP_ENABLED)) {
            // Up before the restore, so that readiness says "restoring" rather than nothing at all.
            PrometheusMeterRegistry prometheus = (PrometheusMeterRegistry) metrics.registry();
            dev.tributary.runtime.internal.metrics.JvmMetrics.bindOnce(prometheus);
            dev.tributary.runtime.internal.assembly.JobHealth health = new dev.tributary.runtime.internal.assembly.JobHealth(
                    applicationId, this::state, this::failure, () -> running, this::pendingKeyGroups, metrics,
                    config.get(RuntimeOptions.HELD_DEGRADED_AFTER));
            ops = OpsServer.start(config.get(RuntimeOptions.HTTP_BIND), config.get(RuntimeOptions.HTTP_PORT), prometheus,
                    health::liveness, health::readiness);
            ops.serve("/held", new dev.tributary.runtime.internal.ops.HeldEndpoint(applicationId, () -> instanceId,
                    () -> state == JobState.RUNNING ? running : null));
            java.util.Map<String, String> shown = new java.util.TreeMap<>();
            config.describe(RuntimeOptions.all()).lines().filter(line -> line.contains(" = "))
                    .forEach(line -> shown.put(line.substring(0, line.indexOf(" = ")),
                            line.substring(line.indexOf(" = ") + 3)));
            new dev.tributary.runtime.internal.ops.JobPage(applicationId, () -> instanceId, () -> state.name(), topology,
                    keyGroups.count(), shown, metrics.registry(), () -> state == JobState.RUNNING ? running : null)
                    .serveOn(ops);
            LOG.info("Job '{}' serves its page at /, /metrics, /health and /held on {}:{}", applicationId,
                    config.get(RuntimeOptions.HTTP_BIND), ops.port());
        }
        String instanceId = config.get(RuntimeOptions.INSTANCE_ID);
        if (instanceId == null) {
            instanceId = defaultInstanceId();
        }
        String queryToken;
        try {
            // Read before the job starts: an unreadable token file stops the start, not a running job.
            queryToken = ops == null ? null : QuerySettings.token(config);
            running = RunningJob.start(topology, config, compiled, metrics, errors, instanceId,
                    QuerySettings.endpoint(config, ops == null ? -1 : ops.port()));
        } catch (RuntimeException e) {
            closeOps();
            throw e;
        }
        this.instanceId = instanceId;
        this.queries = new JobQueries(running.state(), running.membership(), instanceId,
                () -> state == JobState.RUNNING, config.get(RuntimeOptions.STANDBY_REPLICAS) > 0);
        metrics.queryWaitMax(running.state(), state -> state.longestQueryWaitNanos() / 1e9);
        state = JobState.RUNNING;
        if (ops != null) {
            ops.serveStores(queries.endpoints(queryToken, metrics));
        }
        LOG.info("Job '{}' running as instance '{}': {} source(s) on subscription '{}', {} key groups ({} here), broker {}",
                applicationId, instanceId, compiled.sources().size(), applicationId, keyGroups.count(),
                metrics.gauge(TaskMetrics.KEY_GROUPS_OWNED).get(), running.serviceUrl());
        return this;
    }

    /**
     * Stops gracefully: finishes the records in hand, commits, and disconnects. Waits at most
     * {@code shutdown.timeout}. Idempotent.
     */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Stops at once without committing, as a crash would: input processed since the last commit is
     * delivered again to the next instance. For tests of what a crash leaves behind.
     */
    public void abort() {
        stop(true);
    }

    private void stop(boolean abort) {
        synchronized (this) {
            if (state != JobState.RUNNING && state != JobState.FAILED) {
                if (state == JobState.CREATED) {
                    state = JobState.STOPPED;
                }
                return;
            }
            if (state == JobState.RUNNING) {
                state = JobState.STOPPING;
            }
        }
        running.stop(abort, config.get(RuntimeOptions.SHUTDOWN_TIMEOUT));
        synchronized (this) {
            state = running.task().failure() != null ? JobState.FAILED : JobState.STOPPED;
        }
        closeOps();
        LOG.info("Job '{}' {} after {} records", applicationId, abort ? "aborted" : "stopped",
                running.task().processed());
    }

    /**
     * A read-only view of one of the job's stores in this instance, safe to use from any thread. Reads
     * see the store as of the last commit: under exactly-once exactly that, under at-least-once values
     * the record cache wrote out early may be newer. A key of a key group that does not run here
     * (restoring, moving, or on another instance) throws {@link StoreUnavailableException} naming the
     * owner; scans ({@code range}, {@code all}) cover the key groups running here.
     *
     * @param name the store's name
     * @param type the kind of store, from {@link QueryableStoreTypes}
     * @param <T> the view's type
     * @return the view
     * @throws IllegalArgumentException if there is no such store, or it is of another kind (the message lists
     *     the stores)
     * @throws IllegalStateException if the job has not been started
     */
    public <T> T store(String name, QueryableStoreType<T> type) {
        return queries().store(name, type);
    }

    private JobQueries queries() {
        JobQueries started = queries;
        if (started == null) {
            throw new IllegalStateException("job '" + applicationId + "' has not been started: start() it first");
        }
        return started;
    }

    /**
     * Where a key of a store lives among the job's running instances: its key group, the owner and the
     * owner's HTTP endpoint, and the standbys, as this instance sees the membership now.
     *
     * @param store the store's name
     * @param key the key, of the store's key type
     * @param <K> the key type
     * @return where the key lives
     * @throws IllegalArgumentException if there is no such store
     * @throws IllegalStateException if the job has not been started
     */
    public <K> KeyQueryMetadata metadataForKey(String store, K key) {
        return queries().metadataForKey(store, key);
    }

    private void closeOps() {
        if (ops != null) {
            ops.close();
        }
    }

    /**
     * The port serving /metrics and /health.
     *
     * @return the bound port, or -1 without {@code http.enabled}
     */
    public int httpPort() {
        return ops == null ? -1 : ops.port();
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.-]", "-");
        } catch (java.io.IOException e) {
            host = "instance";
        }
        return (host.length() > 60 ? host.substring(0, 60) : host) + "-"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    /**
     * This instance's name among the running instances of the job.
     *
     * @return {@code instance.id}, or the name chosen at start; null before {@link #start()}
     */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Key groups this instance processes now.
     *
     * @return the count of key groups restored and consuming here
     */
    public int ownedKeyGroups() {
        return (int) metrics.gauge(TaskMetrics.KEY_GROUPS_OWNED).get();
    }

    /**
     * Key groups assigned to this instance that are not processing yet.
     *
     * @return the count being claimed (their previous owner has not let go yet) or restored
     */
    public int pendingKeyGroups() {
        return running == null ? 0 : running.task().pendingKeyGroups();
    }

    /**
     * Records read from changelogs to restore local state since the job started: the key groups
     * claimed at start, restored after {@link #start()} returns, and any gained later.
     *
     * @return the count of changelog records restored so far
     */
    public long restoredRecords() {
        return running == null ? 0 : running.restoredRecords();
    }

    /**
     * Waits until every key group assigned to this instance processes here: claimed and restored.
     * {@link #start()} returns once the key groups are claimed; each then processes as soon as its
     * own restore is done, so this is needed only to know that all of them are.
     *
     * @param timeout how long to wait at most
     * @return true once none is pending; false if the timeout passed first or the job is not running
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitKeyGroupsReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (state() == JobState.RUNNING) {
            if (pendingKeyGroups() == 0) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return false;
    }

    /**
     * Waits until the job stops by itself (it failed) or is stopped.
     *
     * @param timeout how long to wait
     * @return true if the job has stopped
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Thread running;
        synchronized (this) {
            running = this.running == null ? null : this.running.thread();
        }
        if (running == null) {
            return state != JobState.RUNNING;
        }
        running.join(Math.max(1, timeout.toMillis()));
        if (!running.isAlive() && this.running.task().failure() != null) {
            synchronized (this) {
                state = JobState.FAILED;
            }
        }
        return !running.isAlive();
    }

    /**
     * The job's state.
     *
     * @return the current state
     */
    public JobState state() {
        if (state == JobState.RUNNING && running != null && running.failure() != null) {
            return JobState.FAILED;
        }
        return state;
    }

    /**
     * Why the job failed.
     *
     * @return the error that stopped processing, if any
     */
    public Optional<Throwable> failure() {
        return running == null ? Optional.empty() : Optional.ofNullable(running.failure());
    }

    /**
     * Records processed so far.
     *
     * @return the count of input records processed, committed or not
     */
    public long processedRecords() {
        return running == null ? 0 : running.task().processed();
    }

    /**
     * Commits completed so far.
     *
     * @return the count of commits that acknowledged input
     */
    public long commits() {
        return running == null ? 0 : running.task().commits();
    }

    /**
     * The job's application id.
     *
     * @return the id, also the name of its subscription
     */
    public String applicationId() {
        return applicationId;
    }

    /**
     * The topology this job runs.
     *
     * @return the topology
     */
    public Topology topology() {
        return topology;
    }
}
