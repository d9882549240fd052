package dev.tributary.connect.jdbc;

import dev.tributary.dsl.connect.ConnectorProvider;
import dev.tributary.dsl.connect.Sink;

/** Connector type {@code jdbc}: {@link JdbcUpsertSink}. */
public final class JdbcConnectors implements ConnectorProvider {
    /** Creates the provider; found through {@link java.util.ServiceLoader}. */
    public JdbcConnectors() {
    }

    @Override
    public String type() {
        return "jdbc";
    }

    @Override
    public Sink<?, ?> newSink() {
        return new JdbcUpsertSink();
    }
}
