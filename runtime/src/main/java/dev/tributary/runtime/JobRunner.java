package dev.tributary.runtime;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.state.StoreType;
import dev.tributary.runtime.internal.compile.CompileContext;
import dev.tributary.runtime.internal.compile.CompiledTopology;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.changelog.PulsarChangelog;
import dev.tributary.runtime.internal.state.SharedStateMemory;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.state.StateDirectory;
import dev.tributary.state.StateMemory;
import dev.tributary.state.Stores;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import dev.tributary.runtime.internal.compile.SinkSpec;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.compile.TopologyCompiler;
import dev.tributary.runtime.internal.translate.DefaultTranslators;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.ownership.KeyGroupOwner;
import dev.tributary.runtime.internal.ownership.Membership;
import dev.tributary.runtime.internal.ownership.OwnershipSettings;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.task.TaskSettings;
import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.runtime.internal.input.InputSubscriptions;
import dev.tributary.runtime.internal.pulsar.PulsarConnections;
import dev.tributary.runtime.internal.output.PulsarRecordCollector;
import dev.tributary.runtime.internal.connect.ConnectorRuntime;
import dev.tributary.runtime.internal.task.StreamTask;
import dev.tributary.runtime.internal.task.ErrorHandling;
import dev.tributary.runtime.internal.metrics.NodeMetrics;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.dsl.plan.PlanNode;
import io.micrometer.core.instrument.MeterRegistry;
import dev.tributary.runtime.internal.ops.BacklogPoller;
import dev.tributary.runtime.internal.ops.OpsServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
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
    private static final java.util.Set<MeterRegistry> JVM_BOUND =
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    private final Topology topology;
    private final Configuration config;
    private final String applicationId;
    private final TaskMetrics metrics;
    private final ErrorHandling errors;
    private volatile OpsServer ops;
    private BacklogPoller backlog;
    private volatile JobState state = JobState.CREATED;
    private PulsarConnections connections;
    private StreamTask task;
    private Thread thread;
    private StateDirectory stateDirectory;
    private Membership membership;
    private volatile String instanceId;
    private boolean holdsStateMemory;
    private long restoredRecords;
    private PulsarRecordCollector collector;
    private ConnectorRuntime connectors;

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
     * Connects, subscribes and starts processing. Returns once every input is subscribed and every
     * fixed output has its producer, so that errors in any of them surface here.
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
        CompileContext context = new CompileContext(keyGroups, applicationId, config.get(RuntimeOptions.INTERNAL_NAMESPACE));
        CompiledTopology compiled = new TopologyCompiler(DefaultTranslators.registry()).compile(topology, context);
        if (config.get(RuntimeOptions.HTTP_ENABLED)) {
            // Up before the restore, so that readiness says "restoring" rather than nothing at all.
            PrometheusMeterRegistry prometheus = (PrometheusMeterRegistry) metrics.registry();
            bindJvmMetrics(prometheus);
            ops = OpsServer.start(config.get(RuntimeOptions.HTTP_BIND), config.get(RuntimeOptions.HTTP_PORT), prometheus,
                    this::liveness, this::readiness);
            LOG.info("Job '{}' serves /metrics and /health on {}:{}", applicationId, config.get(RuntimeOptions.HTTP_BIND),
                    ops.port());
        }
        try {
            connections = PulsarConnections.open(config);
        } catch (RuntimeException e) {
            closeOps();
            throw e;
        }
        TaskState taskState = null;
        PulsarChangelog changelog = null;
        String instanceId = config.get(RuntimeOptions.INSTANCE_ID);
        if (instanceId == null) {
            instanceId = defaultInstanceId();
        }
        membership = new Membership(connections.client(), connections.admin(),
                "persistent://" + context.internalNamespace() + "/" + applicationId + "-members", instanceId,
                keyGroups.count(), config.get(RuntimeOptions.MEMBERSHIP_INTERVAL));
        try {
            membership.join(config.get(RuntimeOptions.OPERATION_TIMEOUT));
            List<StoreSpec> stores = topology.stores();
            if (!stores.isEmpty()) {
                stateDirectory = StateDirectory.lock(Path.of(config.get(RuntimeOptions.STATE_DIR), applicationId));
                StateMemory memory = SharedStateMemory.acquire(config.get(RuntimeOptions.ROCKSDB_BLOCK_CACHE_BYTES),
                        config.get(RuntimeOptions.ROCKSDB_WRITE_BUFFER_BYTES));
                holdsStateMemory = true;
                changelog = new PulsarChangelog(connections.client(), connections.admin(), context, stores,
                        config.get(RuntimeOptions.OPERATION_TIMEOUT));
                changelog.instance(instanceId);
                changelog.prepareTopics();
                changelog.loadCheckpoints(stateDirectory);
                StateDirectory directory = stateDirectory;
                taskState = new TaskState(stores, keyGroups, new BitSet(), spec -> spec.type() == StoreType.IN_MEMORY
                        ? Stores.inMemory(spec.name())
                        : Stores.rocksDb(spec.name(), directory.storeDirectory(spec.name()).resolve("rocksdb"), memory),
                        changelog, config.get(RuntimeOptions.CACHE_MAX_RECORDS),
                        config.get(RuntimeOptions.TABLE_EMIT) == TableEmit.ON_UPDATE);
                metrics.restored(changelog, PulsarChangelog::restoredSoFar);
            } else {
                taskState = new TaskState(List.of(), keyGroups, new BitSet(), spec -> null, null, 1, false);
            }
            Producers producers = new Producers(connections.client(), config.get(RuntimeOptions.SEND_TIMEOUT));
            collector = new PulsarRecordCollector(producers, connections.admin(), applicationId,
                    config.get(RuntimeOptions.BATCH_MAX_RECORDS), config.get(RuntimeOptions.SEND_TIMEOUT),
                    config.get(RuntimeOptions.COMMIT_INTERVAL), metrics);
            connectors = new ConnectorRuntime(topology, config, applicationId, instanceId, metrics.registry(),
                    metrics.tags());
            connectors.openSinks(collector);
            for (SinkSpec sink : compiled.sinks()) {
                collector.open(sink.topic(), sink.target());
            }
            TaskCore core = compiled.instantiate(collector, taskState, new NodeMetrics(metrics)::wrap);
            boolean requireInputs = config.get(RuntimeOptions.REQUIRE_INPUT_TOPICS);
            InputSubscriptions.prepare(connections.admin(), compiled.sources(), applicationId, requireInputs,
                    config.get(RuntimeOptions.REPLAY_FROM));
            InputSubscriptions.prepare(connections.admin(), compiled.forwardSources(), applicationId, requireInputs, null);
            KeyGroupOwner owner = new KeyGroupOwner(connections, compiled.sources(), compiled.forwardSources(), core,
                    applicationId, instanceId, OwnershipSettings.from(config), changelog, metrics, membership, keyGroups);
            String deadLetterTopic = config.get(RuntimeOptions.DEAD_LETTER_TOPIC);
            task = new StreamTask(applicationId + "-0", owner, collector, core, changelog, stateDirectory, errors,
                    keyGroups, compiled::forwardTopic, metrics, TaskSettings.from(config), producers, applicationId,
                    deadLetterTopic == null ? null : TopicNames.normalize(deadLetterTopic,
                            RuntimeOptions.DEAD_LETTER_TOPIC.key()));
            // Claims and restores the key groups assigned now; the ones another instance still holds follow.
            try {
                task.start();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new JobStartException("job '" + applicationId + "' could not claim its key groups: "
                        + e.getMessage(), e);
            }
            restoredRecords = changelog == null ? 0 : changelog.restoredSoFar();
            connectors.openSources(connections, producers, keyGroups, context.internalNamespace());
        } catch (RuntimeException e) {
            if (connectors != null) {
                connectors.abandon(collector != null);
            }
            if (collector != null) {
                collector.close();
            }
            if (changelog != null) {
                changelog.close();
            }
            if (taskState != null) {
                taskState.close();
            }
            membership.close();
            releaseState();
            connections.close();
            closeOps();
            throw e;
        }
        List<String> inputTopics = compiled.sources().stream().flatMap(source -> source.topics().stream()).toList();
        this.instanceId = instanceId;
        backlog = BacklogPoller.start(connections.admin(), inputTopics, applicationId, metrics,
                config.get(RuntimeOptions.BACKLOG_INTERVAL));
        thread = new Thread(task, "tributary-" + applicationId + "-0");
        thread.start();
        connectors.startSources();
        state = JobState.RUNNING;
        LOG.info("Job '{}' running as instance '{}': {} source(s) on subscription '{}', {} key groups ({} here), broker {}",
                applicationId, instanceId, compiled.sources().size(), applicationId, keyGroups.count(),
                metrics.gauge(TaskMetrics.KEY_GROUPS_OWNED).get(), connections.serviceUrl());
        for (SourceSpec source : compiled.sources()) {
            LOG.info("  source '{}' reads {} ({})", source.name(), source.topics(), source.subscriptionType());
        }
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
        if (abort) {
            task.abort();
        } else {
            // Sources first, so that what they emitted is stored and their positions committed.
            connectors.stopSources(config.get(RuntimeOptions.SHUTDOWN_TIMEOUT).dividedBy(2));
            task.requestStop();
        }
        try {
            thread.join(config.get(RuntimeOptions.SHUTDOWN_TIMEOUT).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Job '{}' did not stop within shutdown.timeout; closing its connections", applicationId);
            task.abort();
        }
        if (backlog != null) {
            backlog.close();
        }
        // Leaving last: the others claim this instance's key groups once it is gone, and its ranges are free by then.
        membership.close();
        connections.close();
        releaseState();
        synchronized (this) {
            state = task.failure() != null ? JobState.FAILED : JobState.STOPPED;
        }
        closeOps();
        LOG.info("Job '{}' {} after {} records", applicationId, abort ? "aborted" : "stopped", task.processed());
    }

    private OpsServer.Health liveness() {
        JobState now = state();
        return new OpsServer.Health(now != JobState.FAILED, "job '" + applicationId + "' is " + now
                + failure().map(f -> ": " + f.getMessage()).orElse(""));
    }

    private OpsServer.Health readiness() {
        JobState now = state();
        if (now == JobState.CREATED && ops != null) {
            return new OpsServer.Health(false, "starting: restoring " + metrics.gauge(TaskMetrics.KEY_GROUPS_RESTORING).get()
                    + " key group(s), " + restoredSoFar() + " changelog records so far");
        }
        List<String> sinksDown = now == JobState.RUNNING ? collector.unavailableSinks() : List.of();
        if (!sinksDown.isEmpty()) {
            return new OpsServer.Health(false, String.join("; ", sinksDown));
        }
        if (now == JobState.RUNNING && task.pendingKeyGroups() > 0) {
            return new OpsServer.Health(false, "claiming or restoring " + task.pendingKeyGroups() + " key group(s)");
        }
        return new OpsServer.Health(now == JobState.RUNNING, "job '" + applicationId + "' is " + now);
    }

    private long restoredSoFar() {
        return (long) metrics.registry().find(TaskMetrics.RESTORED).functionCounters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static synchronized void bindJvmMetrics(MeterRegistry registry) {
        // Several jobs of one process may share a registry; the JVM is measured once per registry.
        if (!JVM_BOUND.add(registry)) {
            return;
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
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
        return task == null ? 0 : task.pendingKeyGroups();
    }

    private void releaseState() {
        if (stateDirectory != null) {
            stateDirectory.close();
            stateDirectory = null;
        }
        if (holdsStateMemory) {
            SharedStateMemory.release();
            holdsStateMemory = false;
        }
    }

    /**
     * Records read from changelogs to restore local state at start.
     *
     * @return the count of changelog records restored
     */
    public long restoredRecords() {
        return restoredRecords;
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
            running = thread;
        }
        if (running == null) {
            return state != JobState.RUNNING;
        }
        running.join(Math.max(1, timeout.toMillis()));
        if (!running.isAlive() && task.failure() != null) {
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
        if (state == JobState.RUNNING && task != null && (task.failure() != null || connectors.failure() != null)) {
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
        if (task == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(task.failure() != null ? task.failure() : connectors.failure());
    }

    /**
     * Records processed so far.
     *
     * @return the count of input records processed, committed or not
     */
    public long processedRecords() {
        return task == null ? 0 : task.processed();
    }

    /**
     * Commits completed so far.
     *
     * @return the count of commits that acknowledged input
     */
    public long commits() {
        return task == null ? 0 : task.commits();
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
