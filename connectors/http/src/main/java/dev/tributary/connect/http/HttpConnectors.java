package dev.tributary.connect.http;

import dev.tributary.dsl.connect.ConnectorProvider;
import dev.tributary.dsl.connect.Source;

/** Connector type {@code http}: {@link HttpIngestSource}. */
public final class HttpConnectors implements ConnectorProvider {
    /** Creates the provider; found through {@link java.util.ServiceLoader}. */
    public HttpConnectors() {
    }

    @Override
    public String type() {
        return "http";
    }

    @Override
    public Source<?> newSource() {
        return new HttpIngestSource();
    }
}
