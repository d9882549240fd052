package dev.tributary.testkit.internal;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.DeadLetterProperties;
import dev.tributary.runtime.LatePolicy;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.runtime.internal.core.LateRecordException;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.TableEmit;
import dev.tributary.runtime.internal.compile.CompileContext;
import dev.tributary.runtime.internal.compile.CompiledTopology;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.compile.TopologyCompiler;
import dev.tributary.runtime.internal.compile.Translators;
import dev.tributary.runtime.internal.core.RecordCollector;
import dev.tributary.runtime.internal.core.SinkTarget;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.runtime.internal.translate.DefaultTranslators;
import dev.tributary.runtime.internal.translate.ProcessTranslator;
import dev.tributary.state.Stores;
import dev.tributary.state.TypedStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The driver's engine: one task owning every key group, in-memory stores, outputs kept in memory,
 * and a virtual wall clock. A record written to a topic the topology itself reads (a repartition
 * topic) is fed back at once, as the broker would deliver it.
 */
public final class DriverCore implements RecordCollector {
    private final CompiledTopology compiled;
    private final TaskCore task;
    private final Map<String, SourceSpec> sourcesByName = new HashMap<>();
    private final Map<String, Deque<StoredRecord>> outputs = new LinkedHashMap<>();
    private final Set<String> produced = new TreeSet<>();
    private final Map<String, java.util.List<Record<Object, Object>>> sinkRecords = new HashMap<>();
    private long wallClock;
    private final String applicationId;
    private final LatePolicy latePolicy;
    private final String lateTopic;

    public DriverCore(Topology topology, Configuration config, Instant wallClockStart) {
        this.wallClock = wallClockStart.toEpochMilli();
        KeyGroups keyGroups = new KeyGroups(config.get(RuntimeOptions.KEY_GROUPS));
        this.applicationId = config.contains(RuntimeOptions.APPLICATION_ID)
                ? config.get(RuntimeOptions.APPLICATION_ID) : "test-driver";
        this.latePolicy = config.get(RuntimeOptions.LATE_POLICY);
        this.lateTopic = config.contains(RuntimeOptions.LATE_TOPIC)
                ? TopicNames.normalize(config.get(RuntimeOptions.LATE_TOPIC), RuntimeOptions.LATE_TOPIC.key()) : null;
        CompileContext context = new CompileContext(keyGroups, applicationId, config.get(RuntimeOptions.INTERNAL_NAMESPACE),
                config.get(RuntimeOptions.IDLE_ADVANCE).toMillis(),
                dev.tributary.runtime.internal.global.GlobalTables.of(topology));
        Translators translators = DefaultTranslators.registry().register(new ProcessTranslator(() -> wallClock));
        this.compiled = new TopologyCompiler(translators).compile(topology, context);
        TaskState state = new TaskState(topology.stores(), keyGroups, keyGroups.all(),
                spec -> Stores.inMemory(spec.name()), null, config.get(RuntimeOptions.CACHE_MAX_RECORDS),
                config.get(RuntimeOptions.TABLE_EMIT) == TableEmit.ON_UPDATE);
        this.task = compiled.instantiate(this, state);
        // Operators learn the virtual clock's start, as a running job's learn the wall clock at its first turn.
        task.wallClock(wallClock);
        for (SourceSpec source : compiled.sources()) {
            sourcesByName.put(source.name(), source);
        }
    }

    public void checkInput(String topic) {
        if (task.sourceOfTopic(topic) == null && compiled.context().globals().ofTopic(topic, t -> TopicNames.normalize(t, "global table")) == null) {
            Set<String> read = new TreeSet<>();
            compiled.sources().stream().filter(s -> !s.internal()).forEach(s -> read.addAll(s.topics()));
            throw new IllegalArgumentException("no source of the topology reads topic '" + topic + "'; it reads " + read);
        }
    }

    /** Decodes with the source's schemas, as a consumer would, processes the record, then commits. */
    public void pipe(String topic, byte[] keyBytes, byte[] valueBytes, long timestamp, Map<String, String> properties) {
        var global = compiled.context().globals().ofTopic(topic, t -> TopicNames.normalize(t, "global table"));
        if (global != null) {
            // A running job's global table follows its topic on a thread of its own; here, at once.
            global.apply(keyBytes, global.decode(valueBytes));
            return;
        }
        deliver(topic, keyBytes, valueBytes, timestamp, properties);
        task.flushState();
    }

    private void deliver(String topic, byte[] keyBytes, byte[] valueBytes, long timestamp, Map<String, String> properties) {
        String sourceName = task.sourceOfTopic(topic);
        SourceSpec source = sourcesByName.get(sourceName);
        Object key = keyBytes == null ? null : source.keySchema().decode(keyBytes);
        Object value = valueBytes == null ? null : source.valueSchema().decode(valueBytes);
        // An invalid time throws here (InvalidTimestampException); a running job dead-letters the record instead.
        long time = source.timeOf(key, value, timestamp);
        try {
            task.process(task.source(sourceName), new Record<>(key, value, time, properties));
        } catch (ProcessingException e) {
            if (!(e.getCause() instanceof LateRecordException late)) {
                throw e;
            }
            routeLate(topic, keyBytes, valueBytes, timestamp, properties, e.node(), late);
        }
    }

    /** A late record goes where windows.late.policy says, as in a running job. */
    private void routeLate(String topic, byte[] keyBytes, byte[] valueBytes, long timestamp,
                           Map<String, String> properties, String node, LateRecordException late) {
        if (latePolicy == LatePolicy.SKIP) {
            return;
        }
        Map<String, String> withReason = new LinkedHashMap<>(properties);
        withReason.putAll(late.properties(node, topic, null, applicationId));
        String target;
        if (latePolicy == LatePolicy.DEAD_LETTER) {
            withReason.put(DeadLetterProperties.KIND, "late");
            withReason.put(DeadLetterProperties.NODE, node);
            target = TopicNames.deadLetter(topic, applicationId);
        } else {
            target = lateTopic != null ? lateTopic : TopicNames.late(topic, applicationId);
        }
        output(target).add(new StoredRecord(keyBytes, valueBytes, timestamp, withReason));
        produced.add(target);
    }

    @Override
    public void send(String topic, SinkTarget target, Record<Object, Object> record) {
        byte[] key = record.key() == null ? null : target.keySchema().encode(record.key());
        byte[] value = record.value() == null ? null : target.valueSchema().encode(record.value());
        if (task.sourceOfTopic(topic) != null) {
            deliver(topic, key, value, record.timestamp(), record.properties());
            return;
        }
        output(topic).add(new StoredRecord(key, value, record.timestamp(), record.properties()));
        produced.add(topic);
    }

    @Override
    public void sink(String connector, Record<Object, Object> record) {
        sinkRecords.computeIfAbsent(connector, c -> new java.util.ArrayList<>()).add(record);
    }

    /** What the topology handed to a sink connector so far, in order. */
    public java.util.List<Record<Object, Object>> sinkRecords(String connector) {
        return sinkRecords.getOrDefault(connector, java.util.List.of());
    }

    @Override
    public void flush() {
        // Writes are kept in memory at once; nothing is buffered.
    }

    public void advanceWallClock(Duration duration) {
        wallClock += duration.toMillis();
        task.wallClock(wallClock);
        task.flushState();
    }

    public TypedStore<Object, Object> store(String name) {
        return task.state().store(name);
    }

    /** A read-only view of a store, as a running job's queries read it. */
    public <T> T queryableStore(String name, dev.tributary.runtime.query.QueryableStoreType<T> type) {
        return new dev.tributary.runtime.internal.query.LocalStores(task.state(), (store, key, group) ->
                new dev.tributary.runtime.query.StoreUnavailableException("store '" + store + "': key '" + key
                        + "' is in key group " + group + ", which the driver does not run",
                        store, group, dev.tributary.runtime.query.StoreUnavailableException.Reason.STOPPED, null, null))
                .store(name, type, false);
    }

    public dev.tributary.state.TypedWindowStore<Object, Object> windowStore(String name) {
        return task.state().windowStore(name, false);
    }

    public Deque<StoredRecord> output(String topic) {
        return outputs.computeIfAbsent(topic, t -> new ArrayDeque<>());
    }

    public Set<String> producedTopics() {
        return Set.copyOf(produced);
    }

    /** Where late records read from a topic go under the late-topic policy. */
    public String lateTopicOf(String topic) {
        return lateTopic != null ? lateTopic : TopicNames.late(topic, applicationId);
    }

    public void close() {
        task.close();
        outputs.clear();
    }
}
