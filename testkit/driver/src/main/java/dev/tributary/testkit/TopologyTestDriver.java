package dev.tributary.testkit;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.state.KeyValueStore;
import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.testkit.internal.DriverCore;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.apache.pulsar.client.api.Schema;

/**
 * Runs a topology in memory, without a broker: deterministic and fast. Pipe records into its input
 * topics and read what it wrote from its output topics. The topology is compiled and run by the
 * same processing core as on Pulsar; only consuming and producing are replaced.
 *
 * <pre>{@code
 * try (TopologyTestDriver driver = new TopologyTestDriver(topology)) {
 *     TestInputTopic<String, String> in = driver.createInputTopic("lines", Schema.STRING);
 *     TestOutputTopic<String, String> out = driver.createOutputTopic("upper", Schema.STRING);
 *     in.pipeInput("k", "hello");
 *     assertEquals("HELLO", out.readValue());
 * }
 * }</pre>
 */
public final class TopologyTestDriver implements AutoCloseable {
    private final DriverCore core;

    /**
     * Creates a driver with default settings.
     *
     * @param topology the topology to run
     */
    public TopologyTestDriver(Topology topology) {
        this(topology, Configuration.empty());
    }

    /**
     * Creates a driver with settings, such as {@code key.groups}.
     *
     * @param topology the topology to run
     * @param config the settings; those about the broker connection are ignored
     */
    public TopologyTestDriver(Topology topology, Configuration config) {
        this.core = new DriverCore(topology, config, Instant.EPOCH);
    }

    /**
     * An input topic whose keys are strings, starting at the epoch, time not advancing by itself.
     *
     * @param topic a topic one of the topology's sources reads
     * @param valueSchema the value schema producers use
     * @param <V> the value type
     * @return the input topic
     */
    public <V> TestInputTopic<String, V> createInputTopic(String topic, Schema<V> valueSchema) {
        return createInputTopic(topic, Schema.STRING, valueSchema);
    }

    /**
     * An input topic, starting at the epoch, time not advancing by itself.
     *
     * @param topic a topic one of the topology's sources reads
     * @param keySchema the key schema producers use
     * @param valueSchema the value schema producers use
     * @param <K> the key type
     * @param <V> the value type
     * @return the input topic
     */
    public <K, V> TestInputTopic<K, V> createInputTopic(String topic, Schema<K> keySchema, Schema<V> valueSchema) {
        return createInputTopic(topic, keySchema, valueSchema, Instant.EPOCH, Duration.ZERO);
    }

    /**
     * An input topic with virtual time: records piped without a time get the current time, which then
     * advances by a step.
     *
     * @param topic a topic one of the topology's sources reads
     * @param keySchema the key schema producers use
     * @param valueSchema the value schema producers use
     * @param startTime the time of the first record
     * @param autoAdvance how far time moves after each record
     * @param <K> the key type
     * @param <V> the value type
     * @return the input topic
     * @throws IllegalArgumentException if no source reads the topic
     */
    public <K, V> TestInputTopic<K, V> createInputTopic(String topic, Schema<K> keySchema, Schema<V> valueSchema,
                                                         Instant startTime, Duration autoAdvance) {
        String name = TopicNames.normalize(topic, "the test input topic");
        core.checkInput(name);
        return new TestInputTopic<>(core, name, keySchema, valueSchema, startTime, autoAdvance);
    }

    /**
     * An output topic whose keys are strings.
     *
     * @param topic a topic the topology writes
     * @param valueSchema the value schema to read with
     * @param <V> the value type
     * @return the output topic
     */
    public <V> TestOutputTopic<String, V> createOutputTopic(String topic, Schema<V> valueSchema) {
        return createOutputTopic(topic, Schema.STRING, valueSchema);
    }

    /**
     * An output topic.
     *
     * @param topic a topic the topology writes
     * @param keySchema the key schema to read with
     * @param valueSchema the value schema to read with
     * @param <K> the key type
     * @param <V> the value type
     * @return the output topic
     */
    public <K, V> TestOutputTopic<K, V> createOutputTopic(String topic, Schema<K> keySchema, Schema<V> valueSchema) {
        return new TestOutputTopic<>(core, TopicNames.normalize(topic, "the test output topic"), keySchema, valueSchema);
    }

    /**
     * The records the topology handed to a sink connector so far, in order. The driver does not run
     * connectors: it keeps what a sink would be asked to write, so a test can check it.
     *
     * @param connector the sink connector's name
     * @param <K> the key type
     * @param <V> the value type
     * @return the records, with their timestamps and properties
     */
    @SuppressWarnings("unchecked")
    public <K, V> java.util.List<TestRecord<K, V>> sinkRecords(String connector) {
        return core.sinkRecords(connector).stream()
                .map(r -> new TestRecord<>((K) r.key(), (V) r.value(), Instant.ofEpochMilli(r.timestamp()), r.properties()))
                .toList();
    }

    /**
     * The late-records topic of an input topic, as a running job names it: records that arrived for
     * time windows that had all closed are written there, unchanged, with their reason in the properties
     * of {@code dev.tributary.runtime.LateRecordProperties} ({@code windows.late.policy} late-topic, the
     * default). Read it with {@link #createOutputTopic(String, Schema, Schema)}.
     *
     * @param inputTopic a topic one of the topology's sources reads
     * @return the late-records topic's full name ({@code windows.late.topic}, or
     *     {@code <input topic>-<application.id>-late})
     */
    public String lateRecordsTopic(String inputTopic) {
        return core.lateTopicOf(TopicNames.normalize(inputTopic, "the input topic"));
    }

    /**
     * The topics the topology has written to so far.
     *
     * @return normalized topic names
     */
    public Set<String> producedTopicNames() {
        return core.producedTopics();
    }

    /**
     * Moves the virtual wall clock forward, firing the wall-clock punctuations that fall due.
     *
     * @param duration how far
     */
    public void advanceWallClockTime(Duration duration) {
        core.advanceWallClock(duration);
    }

    /**
     * A store of the topology, to inspect or prepare its contents.
     *
     * @param name the store's name
     * @param <K> the key type
     * @param <V> the value type
     * @return the store
     * @throws IllegalArgumentException if the topology has no such store
     */
    @SuppressWarnings("unchecked")
    public <K, V> KeyValueStore<K, V> getKeyValueStore(String name) {
        return (KeyValueStore<K, V>) (KeyValueStore<?, ?>) core.store(name);
    }

    /**
     * A window store of the topology, to inspect or prepare its contents: one added with
     * {@code StreamBuilder.addWindowStore}, or the store of a DSL time-window aggregation (values are the
     * aggregates per key and window start).
     *
     * @param name the store's name
     * @param <K> the key type
     * @param <V> the value type
     * @return the store
     * @throws IllegalArgumentException if the topology has no such store, or it is not of fixed-size windows
     */
    @SuppressWarnings("unchecked")
    public <K, V> dev.tributary.dsl.state.WindowStore<K, V> getWindowStore(String name) {
        return (dev.tributary.dsl.state.WindowStore<K, V>) (dev.tributary.dsl.state.WindowStore<?, ?>) core.windowStore(name);
    }

    /**
     * A store as a running job's queries read it ({@code JobRunner.store}): the same read-only views,
     * seeing what the driver has committed (it commits after each record it pipes in).
     *
     * @param name the store's name
     * @param type the kind of store, from {@code QueryableStoreTypes}
     * @param <T> the view's type
     * @return the view
     * @throws IllegalArgumentException if the topology has no such store, or it is of another kind
     */
    public <T> T store(String name, dev.tributary.runtime.query.QueryableStoreType<T> type) {
        return core.queryableStore(name, type);
    }

    /** Releases the driver. */
    @Override
    public void close() {
        core.close();
    }
}
