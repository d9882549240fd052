package dev.tributary.runtime.internal.core;

import dev.tributary.dsl.processor.Record;

/**
 * Receives what sinks write. The Pulsar adapter produces it; the test driver keeps it in memory.
 * Writes are buffered until {@link #flush()}, which returns only when every write is durable.
 */
public interface RecordCollector {
    /**
     * Writes a record to a topic.
     *
     * @param topic the normalized topic name
     */
    void send(String topic, SinkTarget target, Record<Object, Object> record);

    /**
     * Writes a record through a sink connector.
     *
     * @param connector the connector's node name
     */
    void sink(String connector, Record<Object, Object> record);

    /** Makes every write so far durable, or throws. */
    void flush();
}
