package dev.tributary.dsl.connect;

import dev.tributary.dsl.config.Configuration;

/**
 * What the runtime gives every connector when it opens.
 */
public interface ConnectorContext {
    /**
     * The connector's name in the topology.
     *
     * @return the name
     */
    String name();

    /**
     * The connector's settings: the job's keys under {@code connector.<name>.}, prefix removed, already
     * checked against {@link Connector#options()}.
     *
     * @return the settings
     */
    Configuration config();

    /**
     * The job's {@code application.id}.
     *
     * @return the application id
     */
    String applicationId();

    /**
     * This instance's {@code instance.id}.
     *
     * @return the instance id
     */
    String instanceId();

    /**
     * Where the connector reports its own metrics; they are published with the job's, tagged with the
     * application and {@code connector=<name>}.
     *
     * @return the metrics
     */
    ConnectorMetrics metrics();

    /**
     * The connector's state: values it keeps by name across restarts and moves, shared by the job's
     * instances. The first call reads the state whole from the broker and may block for up to
     * {@code pulsar.operation.timeout}; later calls return the same object.
     *
     * @return the state
     * @throws IllegalStateException if the state cannot be read, naming its topic and why
     */
    ConnectorState state();
}
