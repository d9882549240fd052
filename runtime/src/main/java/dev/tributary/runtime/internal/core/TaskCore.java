package dev.tributary.runtime.internal.core;

import java.util.Map;

/**
 * The operators of one task, reached through their sources. Built per task from the compiled
 * topology, so that operators may keep per-task state.
 */
public final class TaskCore {
    private final Map<String, Processor> bySource;
    private final Map<String, String> sourceByTopic;

    public TaskCore(Map<String, Processor> bySource, Map<String, String> sourceByTopic) {
        this.bySource = Map.copyOf(bySource);
        this.sourceByTopic = Map.copyOf(sourceByTopic);
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
}
