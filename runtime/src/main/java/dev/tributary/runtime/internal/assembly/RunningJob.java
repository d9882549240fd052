package dev.tributary.runtime.internal.assembly;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.state.StoreType;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.TableEmit;
import dev.tributary.runtime.internal.changelog.PulsarChangelog;
import dev.tributary.runtime.internal.compile.CompiledTopology;
import dev.tributary.runtime.internal.compile.SinkSpec;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.runtime.internal.connect.ConnectorRuntime;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.input.InputSubscriptions;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.NodeMetrics;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.ops.BacklogPoller;
import dev.tributary.runtime.internal.output.PulsarRecordCollector;
import dev.tributary.runtime.internal.ownership.KeyGroupOwner;
import dev.tributary.runtime.internal.ownership.Membership;
import dev.tributary.runtime.internal.ownership.OwnershipSettings;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.Transactions;
import dev.tributary.runtime.ProcessingGuarantee;
import dev.tributary.runtime.internal.pulsar.PulsarConnections;
import dev.tributary.runtime.internal.state.SharedStateMemory;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.runtime.internal.task.ErrorHandling;
import dev.tributary.runtime.internal.task.StreamTask;
import dev.tributary.runtime.internal.task.TaskSettings;
import dev.tributary.state.StateDirectory;
import dev.tributary.state.StateMemory;
import dev.tributary.state.Stores;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a started job, assembled in one place from the job's typed settings: connections,
 * membership, state, outputs, connectors, ownership and the task with its thread. Internals take the
 * settings they need, read here once; none of them reads the configuration.
 */
public final class RunningJob implements dev.tributary.runtime.internal.ops.HeldEndpoint.Source,
        dev.tributary.runtime.internal.ops.JobPage.Source {
    private static final Logger LOG = LoggerFactory.getLogger(RunningJob.class);

    private final String applicationId;
    private final PulsarConnections connections;
    private final Membership membership;
    private final StateDirectory stateDirectory;
    private final boolean holdsStateMemory;
    private final PulsarRecordCollector collector;
    private final ConnectorRuntime connectors;
    private final StreamTask task;
    private final Thread thread;
    private final BacklogPoller backlog;
    private final dev.tributary.runtime.internal.global.GlobalTables globals;
    private final java.util.function.LongSupplier restoredRecords;
    private final TaskState state;
    private final List<String> inputTopics;

    private RunningJob(String applicationId, PulsarConnections connections, Membership membership,
                       StateDirectory stateDirectory, boolean holdsStateMemory, PulsarRecordCollector collector,
                       ConnectorRuntime connectors, StreamTask task, Thread thread, BacklogPoller backlog,
                       java.util.function.LongSupplier restoredRecords, dev.tributary.runtime.internal.global.GlobalTables globals, TaskState state,
                       List<String> inputTopics) {
        this.applicationId = applicationId;
        this.connections = connections;
        this.membership = membership;
        this.stateDirectory = stateDirectory;
        this.holdsStateMemory = holdsStateMemory;
        this.collector = collector;
        this.connectors = connectors;
        this.task = task;
        this.thread = thread;
        this.backlog = backlog;
        this.restoredRecords = restoredRecords;
        this.globals = globals;
        this.state = state;
        this.inputTopics = inputTopics;
    }

    /**
     * Connects, joins the job's instances, opens state and outputs, claims and restores the key groups
     * assigned now, and starts the task's thread and the connector sources. On any failure everything
     * opened so far is closed again.
     *
     * @param endpoint this instance's HTTP endpoint for queries, advertised to the others; null for none
     * @throws JobStartException if the broker is unreachable, a topic is missing, or a schema is refused
     */
    public static RunningJob start(Topology topology, Configuration config, CompiledTopology compiled,
                                   TaskMetrics metrics, ErrorHandling errors, String instanceId, String endpoint) {
        String applicationId = compiled.context().applicationId();
        KeyGroups keyGroups = compiled.keyGroups();
        PulsarConnections connections = PulsarConnections.open(config);
        Membership membership = new Membership(connections.client(), connections.admin(),
                "persistent://" + compiled.context().internalNamespace() + "/" + applicationId + "-members", instanceId,
                keyGroups.count(), config.get(RuntimeOptions.MEMBERSHIP_INTERVAL), endpoint);
        StateDirectory stateDirectory = null;
        boolean holdsStateMemory = false;
        TaskState taskState = null;
        PulsarChangelog changelog = null;
        PulsarRecordCollector collector = null;
        ConnectorRuntime connectors = null;
        boolean exactlyOnce = config.get(RuntimeOptions.PROCESSING_GUARANTEE) == ProcessingGuarantee.EXACTLY_ONCE;
        Producers producers = null;
        try {
            membership.join(config.get(RuntimeOptions.OPERATION_TIMEOUT));
            List<StoreSpec> stores = topology.stores();
            if (exactlyOnce && config.get(RuntimeOptions.REDELIVERY_GUARD)) {
                if (stores.stream().anyMatch(dev.tributary.runtime.internal.task.RedeliveryGuard::isPositions)) {
                    throw new JobStartException("the store name '" + dev.tributary.runtime.internal.task.RedeliveryGuard
                            .STORE + "' is reserved under exactly-once; name the topology's store differently", null);
                }
                // Where each key's last committed input position lives, logged and restored with its key group.
                stores = new java.util.ArrayList<>(stores);
                stores.add(dev.tributary.runtime.internal.task.RedeliveryGuard.spec());
            }
            if (!stores.isEmpty()) {
                stateDirectory = StateDirectory.lock(Path.of(config.get(RuntimeOptions.STATE_DIR), applicationId));
            }
            Transactions transactions = exactlyOnce ? new Transactions(connections.client(),
                    config.get(RuntimeOptions.TRANSACTION_TIMEOUT), config.get(RuntimeOptions.OPERATION_TIMEOUT),
                    stateDirectory == null ? null : stateDirectory.root().resolve("last-transaction")) : null;
            producers = new Producers(connections.client(), config.get(RuntimeOptions.SEND_TIMEOUT), transactions);
            if (!stores.isEmpty()) {
                StateMemory memory = SharedStateMemory.acquire(config.get(RuntimeOptions.ROCKSDB_BLOCK_CACHE_BYTES),
                        config.get(RuntimeOptions.ROCKSDB_WRITE_BUFFER_BYTES));
                holdsStateMemory = true;
                changelog = new PulsarChangelog(producers, connections.admin(), compiled.context(), stores,
                        config.get(RuntimeOptions.OPERATION_TIMEOUT));
                changelog.instance(instanceId);
                if (exactlyOnce) {
                    changelog.exactlyOnce();
                }
                changelog.prepareTopics();
                changelog.loadCheckpoints(stateDirectory);
                StateDirectory directory = stateDirectory;
                taskState = new TaskState(stores, keyGroups, new BitSet(), spec -> spec.type() == StoreType.IN_MEMORY
                        ? Stores.inMemory(spec.name())
                        : Stores.rocksDb(spec.name(), directory.storeDirectory(spec.name()).resolve("rocksdb"), memory),
                        changelog, config.get(RuntimeOptions.CACHE_MAX_RECORDS),
                        config.get(RuntimeOptions.TABLE_EMIT) == TableEmit.ON_UPDATE, exactlyOnce);
                metrics.restored(changelog, PulsarChangelog::restoredSoFar);
            } else {
                taskState = new TaskState(List.of(), keyGroups, new BitSet(), spec -> null, null, 1, false);
            }
            collector = new PulsarRecordCollector(producers, connections.admin(), applicationId,
                    config.get(RuntimeOptions.BATCH_MAX_RECORDS), config.get(RuntimeOptions.SEND_TIMEOUT),
                    config.get(RuntimeOptions.COMMIT_INTERVAL), metrics);
            connectors = new ConnectorRuntime(topology, config, applicationId, instanceId, metrics.registry(),
                    metrics.tags());
            connectors.keepStateIn(connections, producers.withoutTransactions(), compiled.context().internalNamespace(),
                    config.get(RuntimeOptions.OPERATION_TIMEOUT));
            connectors.openSinks(collector);
            for (SinkSpec sink : compiled.sinks()) {
                collector.open(sink.topic(), sink.target());
            }
            TaskCore core = compiled.instantiate(collector, taskState, new NodeMetrics(metrics)::wrap);
            boolean requireInputs = config.get(RuntimeOptions.REQUIRE_INPUT_TOPICS);
            InputSubscriptions.prepare(connections.admin(), compiled.sources(), applicationId, requireInputs,
                    config.get(RuntimeOptions.REPLAY_FROM));
            InputSubscriptions.prepare(connections.admin(), compiled.forwardSources(), applicationId, requireInputs,
                    null);
            KeyGroupOwner owner = new KeyGroupOwner(connections, compiled.sources(), compiled.forwardSources(), core,
                    applicationId, instanceId, OwnershipSettings.from(config), changelog, metrics, membership, keyGroups,
                    compiled.timeOrdered());
            String deadLetterTopic = config.get(RuntimeOptions.DEAD_LETTER_TOPIC);
            StreamTask task = new StreamTask(applicationId + "-0", owner, collector, core, changelog, stateDirectory,
                    errors, keyGroups, compiled::forwardTopic, metrics, TaskSettings.from(config, compiled.timeOrdered()), producers,
                    applicationId, deadLetterTopic == null ? null
                    : TopicNames.normalize(deadLetterTopic, RuntimeOptions.DEAD_LETTER_TOPIC.key()));
            // Whole before any record that joins them is processed.
            compiled.context().globals().start(connections.client(), applicationId,
                    config.get(RuntimeOptions.OPERATION_TIMEOUT), metrics);
            if (transactions != null) {
                // Its pending acknowledgements would hold our input back until the broker's timeout.
                transactions.abortLeftOver();
            }
            claimAndRestore(task, applicationId);
            PulsarChangelog logs = changelog;
            java.util.function.LongSupplier restored = logs == null ? () -> 0 : logs::restoredSoFar;
            connectors.openSources(connections, producers.withoutTransactions(), keyGroups, compiled.context().internalNamespace());
            List<String> inputTopics = compiled.sources().stream().flatMap(source -> source.topics().stream()).toList();
            // Past twice the transaction timeout no live transaction can be what holds the messages back.
            BacklogPoller backlog = BacklogPoller.start(connections.admin(), inputTopics, applicationId, metrics,
                    config.get(RuntimeOptions.BACKLOG_INTERVAL), transactions == null ? null
                            : config.get(RuntimeOptions.TRANSACTION_TIMEOUT).multipliedBy(2).plusSeconds(10),
                    transactions != null && config.get(RuntimeOptions.REDELIVERY_GUARD));
            // Every message the Pulsar client builds takes pooled objects from Netty's recyclers, which find
            // their pool through a field of a FastThreadLocalThread and through a ThreadLocal lookup otherwise.
            Thread thread = new FastThreadLocalThread(task, "tributary-" + applicationId + "-0");
            thread.start();
            connectors.startSources();
            for (SourceSpec source : compiled.sources()) {
                LOG.info("  source '{}' reads {} ({})", source.name(), source.topics(), source.subscriptionType());
            }
            return new RunningJob(applicationId, connections, membership, stateDirectory, holdsStateMemory, collector,
                    connectors, task, thread, backlog, restored, compiled.context().globals(), taskState, inputTopics);
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
            compiled.context().globals().close();
            membership.close();
            releaseState(stateDirectory, holdsStateMemory);
            connections.close();
            throw dev.tributary.runtime.internal.pulsar.Permissions.explain(e, config);
        }
    }

    /** Claims the key groups assigned now, whose restores the task then carries out; the ones another instance still holds follow. */
    private static void claimAndRestore(StreamTask task, String applicationId) {
        try {
            task.start();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new JobStartException("job '" + applicationId + "' could not claim its key groups: " + e.getMessage(),
                    e);
        }
    }

    /**
     * Stops the job: gracefully (sources first, so that what they emitted is stored and their positions
     * committed; then the task finishes the records in hand and commits) or at once, as a crash would.
     * Leaves the job's instances last, so that the others claim this one's key groups once its ranges
     * are free.
     */
    public void stop(boolean abort, Duration shutdownTimeout) {
        if (abort) {
            task.abort();
        } else {
            connectors.stopSources(shutdownTimeout.dividedBy(2));
            task.requestStop();
        }
        try {
            thread.join(shutdownTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Job '{}' did not stop within shutdown.timeout; closing its connections", applicationId);
            task.abort();
        }
        backlog.close();
        globals.close();
        connectors.closeStates();
        membership.close();
        connections.close();
        releaseState(stateDirectory, holdsStateMemory);
    }

    private static void releaseState(StateDirectory stateDirectory, boolean holdsStateMemory) {
        if (stateDirectory != null) {
            stateDirectory.close();
        }
        if (holdsStateMemory) {
            SharedStateMemory.release();
        }
    }

    /** The job's stores and key groups, for queries. */
    public TaskState state() {
        return state;
    }

    public Membership membership() {
        return membership;
    }

    public StreamTask task() {
        return task;
    }

    /** The task's thread, to wait for the job's end. */
    public Thread thread() {
        return thread;
    }

    /** Why the job failed: the task's error or a connector source's, or null. */
    public Throwable failure() {
        return task.failure() != null ? task.failure() : connectors.failure();
    }

    /** The sink connectors that cannot write now, each with since when and why. */
    public List<String> unavailableSinks() {
        return collector.unavailableSinks();
    }

    /** Changelog records restored into local state since the job started. */
    public long restoredRecords() {
        return restoredRecords.getAsLong();
    }

    public String serviceUrl() {
        return connections.serviceUrl();
    }

    @Override
    public dev.tributary.runtime.internal.metrics.HeldKeys heldKeys() {
        return task.heldKeys();
    }

    /** The broker's draining hashes on every input partition of the job's subscription, asked now. */
    @Override
    public List<dev.tributary.runtime.internal.ops.DrainingHashes.Partition> drainingHashes() {
        return dev.tributary.runtime.internal.ops.DrainingHashes.read(connections.admin(), inputTopics, applicationId);
    }

    @Override
    public String ownerOf(int keyGroup) {
        return membership.ownerOf(keyGroup);
    }

    @Override
    public String endpointOf(String instance) {
        return membership.endpointOf(instance);
    }

    @Override
    public List<String> members() {
        return membership.members();
    }

    @Override
    public java.util.BitSet processingKeyGroups() {
        return task.processingKeyGroups();
    }

    @Override
    public java.util.Map<Integer, Long> restoreProgress() {
        return task.restoreProgress();
    }
}
