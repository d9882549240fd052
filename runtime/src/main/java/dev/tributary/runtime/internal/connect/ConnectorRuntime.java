package dev.tributary.runtime.internal.connect;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.connect.Connector;
import dev.tributary.dsl.connect.Sink;
import dev.tributary.dsl.connect.Source;
import dev.tributary.dsl.plan.ConnectorSinkNode;
import dev.tributary.dsl.plan.ConnectorSourceNode;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.runtime.internal.connect.BasicContext;
import dev.tributary.runtime.internal.connect.ConnectorMetricsImpl;
import dev.tributary.runtime.internal.connect.ConnectorSettings;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.output.PulsarRecordCollector;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.PulsarConnections;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connectors of one job instance: resolves and checks them, opens the sinks into the task's
 * collector, and runs the sources beside the task.
 */
public final class ConnectorRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorRuntime.class);

    private final Topology topology;
    private final Configuration config;
    private final String applicationId;
    private final String instanceId;
    private final MeterRegistry registry;
    private final Tags tags;
    private final List<SourceRunner> sources = new ArrayList<>();
    private final List<Connector> openedSinks = new ArrayList<>();
    private final java.util.Map<String, ConnectorStateStore> states = new java.util.HashMap<>();
    private Producers stateProducers;
    private org.apache.pulsar.client.admin.PulsarAdmin stateAdmin;
    private String internalNamespace;
    private long operationTimeoutMillis;

    public ConnectorRuntime(Topology topology, Configuration config, String applicationId, String instanceId,
                            MeterRegistry registry, Tags tags) {
        this.topology = topology;
        this.config = config;
        this.applicationId = applicationId;
        this.instanceId = instanceId;
        this.registry = registry;
        this.tags = tags;
    }

    /**
     * Checks every connector's settings without connecting anything, so that a bad setting is reported
     * before the job touches the broker.
     *
     * @throws ConfigException naming the full key
     */
    public static void checkSettings(Topology topology, Configuration config) {
        for (PlanNode node : topology.nodes()) {
            if (node instanceof ConnectorSourceNode source) {
                resolve(source.name(), source.source(), config, false);
            } else if (node instanceof ConnectorSinkNode sink) {
                resolve(sink.name(), sink.sink(), config, true);
            }
        }
    }

    private static Connector resolve(String name, Connector given, Configuration config, boolean sink) {
        Configuration settings = ConnectorSettings.of(config, name);
        Connector connector = given != null ? given : ConnectorSettings.byType(name, settings, sink);
        ConnectorSettings.check(name, settings, sink ? ConnectorSettings.sinkOptions() : ConnectorSettings.sourceOptions(),
                connector.options());
        return connector;
    }

    /**
     * Where connectors' state lives: topics of the internal namespace, written without transactions
     * (state is not part of a commit).
     */
    public void keepStateIn(PulsarConnections connections, Producers producers, String internalNamespace,
                            Duration operationTimeout) {
        this.stateAdmin = connections.admin();
        this.stateProducers = producers;
        this.internalNamespace = internalNamespace;
        this.operationTimeoutMillis = operationTimeout.toMillis();
    }

    /** Opens a connector's state on first use: most connectors never use it, and then have no topic. */
    private java.util.function.Supplier<dev.tributary.dsl.connect.ConnectorState> state(String name) {
        return () -> {
            synchronized (states) {
                ConnectorStateStore store = states.get(name);
                if (store == null) {
                    if (stateProducers == null) {
                        throw new IllegalStateException("connector '" + name + "': state is not available here");
                    }
                    store = ConnectorStateStore.open(name, stateProducers, stateAdmin,
                            ConnectorStateStore.topic(internalNamespace, applicationId, name), operationTimeoutMillis);
                    states.put(name, store);
                }
                return store;
            }
        };
    }

    /** Closes the connectors' states, once the connectors are closed. */
    public void closeStates() {
        synchronized (states) {
            states.values().forEach(ConnectorStateStore::close);
            states.clear();
        }
    }

    /**
     * Opens every sink connector and adds it to the collector.
     *
     * @throws JobStartException if a sink does not open
     */
    public void openSinks(PulsarRecordCollector collector) {
        for (PlanNode node : topology.nodes()) {
            if (node instanceof ConnectorSinkNode sinkNode) {
                String name = sinkNode.name();
                Sink<?, ?> sink = (Sink<?, ?>) resolve(name, sinkNode.sink(), config, true);
                Configuration settings = ConnectorSettings.of(config, name);
                try {
                    sink.open(new BasicContext(name, settings, applicationId, instanceId,
                            new ConnectorMetricsImpl(registry, tags, name), state(name), sinkNode.valueSchema()));
                } catch (Exception e) {
                    closeQuietly(name, sink);
                    throw new JobStartException("sink connector '" + name + "' did not open: " + PulsarErrors.reason(e), e);
                }
                openedSinks.add(sink);
                collector.openConnector(name, sink, settings.get(ConnectorSettings.BATCH_SIZE),
                        settings.get(ConnectorSettings.RETRY_MAX_DELAY));
                LOG.info("Sink connector '{}' ({}) open", name, sink.getClass().getSimpleName());
            }
        }
    }

    /**
     * Opens every source connector: its producers, positions and the source itself.
     *
     * @throws JobStartException if a source does not open
     */
    public void openSources(PulsarConnections connections, Producers producers, KeyGroups keyGroups,
                            String internalNamespace) {
        String fixedDeadLetterTopic = config.get(RuntimeOptions.DEAD_LETTER_TOPIC);
        if (fixedDeadLetterTopic != null) {
            fixedDeadLetterTopic = TopicNames.normalize(fixedDeadLetterTopic, RuntimeOptions.DEAD_LETTER_TOPIC.key());
        }
        for (PlanNode node : topology.nodes()) {
            if (node instanceof ConnectorSourceNode sourceNode) {
                String name = sourceNode.name();
                Source<?> source = (Source<?>) resolve(name, sourceNode.source(), config, false);
                SourceRunner runner = new SourceRunner(name, source, ConnectorSettings.of(config, name), applicationId,
                        instanceId, new ConnectorMetricsImpl(registry, tags, name), producers,
                        connections.admin(), sourceNode.topic(), sourceNode.valueSchema(), keyGroups,
                        config.get(RuntimeOptions.BATCH_MAX_RECORDS),
                        fixedDeadLetterTopic, config.get(RuntimeOptions.OPERATION_TIMEOUT), state(name));
                runner.open(SourcePositions.topic(internalNamespace, applicationId, name));
                sources.add(runner);
                LOG.info("Source connector '{}' ({}) open, writing to '{}'", name, source.getClass().getSimpleName(),
                        runner.topic());
            }
        }
    }

    /** Starts the sources' threads. */
    public void startSources() {
        sources.forEach(SourceRunner::start);
    }

    /** Stops the sources: their last records are stored and their positions committed. */
    public void stopSources(Duration timeout) {
        for (SourceRunner source : sources) {
            source.stop(timeout);
        }
    }

    /** After a failed start: closes what was opened (the collector closes the sinks it holds). */
    public void abandon(boolean sinksInCollector) {
        stopSources(Duration.ofSeconds(5));
        if (!sinksInCollector) {
            openedSinks.forEach(sink -> closeQuietly("sink", sink));
        }
        closeStates();
    }

    /** The first source that failed, or null. */
    public Throwable failure() {
        for (SourceRunner source : sources) {
            if (source.failure() != null) {
                return new IllegalStateException("source connector '" + source.name() + "' failed: "
                        + PulsarErrors.reason(source.failure()), source.failure());
            }
        }
        return null;
    }

    private static void closeQuietly(String name, Connector connector) {
        try {
            connector.close();
        } catch (Exception e) {
            LOG.warn("Connector '{}' did not close cleanly: {}", name, PulsarErrors.reason(e));
        }
    }
}
