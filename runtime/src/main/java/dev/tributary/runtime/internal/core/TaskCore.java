package dev.tributary.runtime.internal.core;

import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.state.TaskState;
import java.util.Map;

/**
 * The operators and state of one task, reached through their sources. Built per task from the
 * compiled topology, so that operators may keep per-task state.
 */
public final class TaskCore implements AutoCloseable {
    private final Map<String, Processor> bySource;
    private final Map<String, String> sourceByTopic;
    private final TaskState state;

    public TaskCore(Map<String, Processor> bySource, Map<String, String> sourceByTopic, TaskState state) {
        this.bySource = Map.copyOf(bySource);
        this.sourceByTopic = Map.copyOf(sourceByTopic);
        this.state = state;
    }

    /** The entry operator of a source node. */
    public Processor source(String sourceNode) {
        Processor processor = bySource.get(sourceNode);
        if (processor == null) {
            throw new IllegalArgumentException("no source node named '" + sourceNode + "'");
        }
        return processor;
    }

    /** The source node reading a normalized topic, or null if no source reads it. */
    public String sourceOfTopic(String topic) {
        return sourceByTopic.get(topic);
    }

    /** Processes one record and then lets stream time move, which may fire punctuations. */
    public void process(Processor source, Record<Object, Object> record) {
        source.process(record);
        state.punctuations().observe(record.timestamp());
    }

    /** Fires the wall-clock punctuations that are due. */
    public void wallClock(long now) {
        state.wallClock(now);
    }

    /** Writes out the stores' caches, emitting table updates downstream. */
    public void flushState() {
        state.flushCaches();
    }

    public TaskState state() {
        return state;
    }

    @Override
    public void close() {
        state.close();
    }
}
