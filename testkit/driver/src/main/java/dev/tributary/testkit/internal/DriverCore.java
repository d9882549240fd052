package dev.tributary.testkit.internal;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.internal.compile.CompiledTopology;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.compile.TopologyCompiler;
import dev.tributary.runtime.internal.compile.Translators;
import dev.tributary.runtime.internal.core.Record;
import dev.tributary.runtime.internal.core.RecordCollector;
import dev.tributary.runtime.internal.core.SinkTarget;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The driver's engine: one task over the compiled topology, with outputs kept in memory. */
public final class DriverCore implements RecordCollector {
    private final CompiledTopology compiled;
    private final TaskCore task;
    private final Map<String, SourceSpec> sourcesByName = new HashMap<>();
    private final Map<String, Deque<StoredRecord>> outputs = new LinkedHashMap<>();
    private final Set<String> produced = new TreeSet<>();

    public DriverCore(Topology topology, Configuration config) {
        KeyGroups keyGroups = new KeyGroups(config.get(RuntimeOptions.KEY_GROUPS));
        this.compiled = new TopologyCompiler(Translators.defaults()).compile(topology, keyGroups);
        this.task = compiled.instantiate(this);
        for (SourceSpec source : compiled.sources()) {
            sourcesByName.put(source.name(), source);
        }
    }

    public void checkInput(String topic) {
        if (task.sourceOfTopic(topic) == null) {
            Set<String> read = new TreeSet<>();
            compiled.sources().forEach(s -> read.addAll(s.topics()));
            throw new IllegalArgumentException("no source of the topology reads topic '" + topic + "'; it reads " + read);
        }
    }

    /** Decodes with the source's schemas, as a consumer would, and processes the record. */
    public void pipe(String topic, byte[] keyBytes, byte[] valueBytes, long timestamp, Map<String, String> properties) {
        String sourceName = task.sourceOfTopic(topic);
        SourceSpec source = sourcesByName.get(sourceName);
        Object key = keyBytes == null ? null : source.keySchema().decode(keyBytes);
        Object value = valueBytes == null ? null : source.valueSchema().decode(valueBytes);
        task.source(sourceName).process(new Record(key, value, timestamp, properties));
        flush();
    }

    @Override
    public void send(String topic, SinkTarget target, Record record) {
        byte[] key = record.key() == null ? null : target.keySchema().encode(record.key());
        byte[] value = record.value() == null ? null : target.valueSchema().encode(record.value());
        output(topic).add(new StoredRecord(key, value, record.timestamp(), record.properties()));
        produced.add(topic);
    }

    @Override
    public void flush() {
        // Writes are kept in memory at once; nothing is buffered.
    }

    public Deque<StoredRecord> output(String topic) {
        return outputs.computeIfAbsent(topic, t -> new ArrayDeque<>());
    }

    public Set<String> producedTopics() {
        return Set.copyOf(produced);
    }

    public void close() {
        outputs.clear();
    }
}
