package dev.tributary.runtime.internal.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/** The JVM's own meters (memory, threads, GC, CPU, uptime) beside the job's. */
public final class JvmMetrics {
    private static final Set<MeterRegistry> BOUND = Collections.newSetFromMap(new WeakHashMap<>());

    private JvmMetrics() {
    }

    /** Binds the JVM's meters to the registry unless they are bound to it already. */
    public static synchronized void bindOnce(MeterRegistry registry) {
        // Several jobs of one process may share a registry; the JVM is measured once per registry.
        if (!BOUND.add(registry)) {
            return;
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
    }
}
