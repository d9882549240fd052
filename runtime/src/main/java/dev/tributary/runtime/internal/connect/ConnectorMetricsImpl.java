package dev.tributary.runtime.internal.connect;

import dev.tributary.dsl.connect.ConnectorMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/** A connector's metrics in the job's registry, prefixed {@code tributary.connector.} and tagged with it. */
public final class ConnectorMetricsImpl implements ConnectorMetrics {
    private static final String PREFIX = "tributary.connector.";
    private final MeterRegistry registry;
    private final Tags tags;

    public ConnectorMetricsImpl(MeterRegistry registry, Tags jobTags, String connector) {
        this.registry = registry;
        this.tags = jobTags.and("connector", connector);
    }

    @Override
    public ConnectorMetrics.Counter counter(String name, String... more) {
        io.micrometer.core.instrument.Counter counter = io.micrometer.core.instrument.Counter.builder(PREFIX + name).tags(tags.and(more)).register(registry);
        return counter::increment;
    }

    @Override
    public void gauge(String name, DoubleSupplier value, String... more) {
        Gauge.builder(PREFIX + name, value::getAsDouble).tags(tags.and(more)).register(registry);
    }

    @Override
    public ConnectorMetrics.Timer timer(String name, String... more) {
        io.micrometer.core.instrument.Timer timer = io.micrometer.core.instrument.Timer.builder(PREFIX + name).tags(tags.and(more)).register(registry);
        return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
    }
}
