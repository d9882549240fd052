package dev.tributary.dsl.connect;

/**
 * Makes connectors of one type for connectors added by type ({@code builder.source(name, topic,
 * schema)}, {@code stream.sink(name)}): the runtime reads {@code connector.<name>.type} and asks the
 * provider of that type, found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.tributary.dsl.connect.ConnectorProvider}).
 */
public interface ConnectorProvider {
    /**
     * The type name users write in {@code connector.<name>.type}, such as {@code http} or {@code jdbc}.
     *
     * @return the type name
     */
    String type();

    /**
     * A new source of this type.
     *
     * @return the source
     * @throws UnsupportedOperationException if this type has no source
     */
    default Source<?> newSource() {
        throw new UnsupportedOperationException("connectors of type '" + type() + "' are sinks, not sources");
    }

    /**
     * A new sink of this type.
     *
     * @return the sink
     * @throws UnsupportedOperationException if this type has no sink
     */
    default Sink<?, ?> newSink() {
        throw new UnsupportedOperationException("connectors of type '" + type() + "' are sources, not sinks");
    }
}
