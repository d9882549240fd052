package dev.tributary.connect.file;

import dev.tributary.dsl.connect.ConnectorProvider;
import dev.tributary.dsl.connect.Sink;
import dev.tributary.dsl.connect.Source;

/** Connector type {@code file}: {@link FileSource} and {@link FileSink}. */
public final class FileConnectors implements ConnectorProvider {
    /** Creates the provider; found through {@link java.util.ServiceLoader}. */
    public FileConnectors() {
    }

    @Override
    public String type() {
        return "file";
    }

    @Override
    public Source<?> newSource() {
        return new FileSource();
    }

    @Override
    public Sink<?, ?> newSink() {
        return new FileSink();
    }
}
