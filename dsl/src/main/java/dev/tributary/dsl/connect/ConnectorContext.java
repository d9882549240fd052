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
}
