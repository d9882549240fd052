package dev.tributary.runtime.internal.connect;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.connect.ConnectorMetrics;
import dev.tributary.dsl.connect.ConnectorState;
import dev.tributary.dsl.connect.SinkContext;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pulsar.client.api.Schema;

/** The name, settings, metrics and state every connector gets; a sink needs only its values' schema more. */
public class BasicContext implements SinkContext {
    private final String name;
    private final Configuration config;
    private final String applicationId;
    private final String instanceId;
    private final ConnectorMetrics metrics;
    private final Supplier<ConnectorState> state;
    private final Schema<?> valueSchema;

    /**
     * @param state opens the connector's state on first use (and returns the same one after)
     * @param valueSchema the schema of the values a sink receives, or null if unknown
     */
    public BasicContext(String name, Configuration config, String applicationId, String instanceId,
                        ConnectorMetrics metrics, Supplier<ConnectorState> state, Schema<?> valueSchema) {
        this.name = name;
        this.config = config;
        this.applicationId = applicationId;
        this.instanceId = instanceId;
        this.metrics = metrics;
        this.state = state;
        this.valueSchema = valueSchema;
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

    @Override
    public ConnectorState state() {
        return state.get();
    }

    @Override
    public Optional<Schema<?>> valueSchema() {
        return Optional.ofNullable(valueSchema);
    }
}
