package dev.tributary.connect.pulsario;

import dev.tributary.dsl.connect.ConnectorProvider;
import dev.tributary.dsl.connect.Sink;
import dev.tributary.dsl.connect.Source;

/**
 * Connector type {@code pulsar-io}: a Pulsar IO source or sink named by {@code connector.<name>.class}.
 */
public final class PulsarIoConnectors implements ConnectorProvider {
    /** Creates the provider; found through {@link java.util.ServiceLoader}. */
    public PulsarIoConnectors() {
    }

    @Override
    public String type() {
        return "pulsar-io";
    }

    @Override
    public Source<?> newSource() {
        return new PulsarIoSource<>();
    }

    @Override
    public Sink<?, ?> newSink() {
        return new PulsarIoSink<>();
    }
}
