package dev.tributary.dsl.connect;

import java.util.Optional;
import org.apache.pulsar.client.api.Schema;

/**
 * What the runtime gives a sink when it opens: its name, settings, metrics and state, and the schema of
 * the values it receives.
 */
public interface SinkContext extends ConnectorContext {
    /**
     * The schema of the values the sink receives, when the topology knows it: the schema of the stream
     * written to the sink, which is its source's or the last one given with {@code withValueSchema}
     * (after a {@code map} or {@code mapValues} without one, none is known).
     *
     * @return the values' schema, or empty if unknown
     */
    Optional<Schema<?>> valueSchema();
}
