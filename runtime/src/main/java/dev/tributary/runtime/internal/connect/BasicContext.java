package dev.tributary.runtime.internal.connect;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.connect.ConnectorMetrics;
import dev.tributary.dsl.connect.SinkContext;

/** The name, settings and metrics every connector gets; a sink needs nothing more. */
public class BasicContext implements SinkContext {
    private final String name;
    private final Configuration config;
    private final String applicationId;
    private final String instanceId;
    private final ConnectorMetrics metrics;

    public BasicContext(String name, Configuration config, String applicationId, String instanceId,
                        ConnectorMetrics metrics) {
        this.name = name;
        this.config = config;
        this.applicationId = applicationId;
        this.instanceId = instanceId;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Configuration config() {
        return config;
    }

    @Override
    public String applicationId() {
        return applicationId;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public ConnectorMetrics metrics() {
        return metrics;
    }
}
