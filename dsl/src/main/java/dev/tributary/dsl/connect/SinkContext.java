package dev.tributary.dsl.connect;

/**
 * What the runtime gives a sink when it opens: its name, settings and metrics.
 */
public interface SinkContext extends ConnectorContext {
}
