package dev.tributary.runtime.internal.connect;

import dev.tributary.dsl.connect.Source;
import dev.tributary.dsl.connect.SourceContext;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The thread a source connector's {@code run} goes on, and how it is made to end. */
final class SourceThread {
    private static final Logger LOG = LoggerFactory.getLogger(SourceThread.class);

    private final String name;
    private final Thread thread;
    private volatile Throwable failure;

    /** @param stopping whether the runtime asked the source to stop: an error then is not a failure */
    SourceThread(String name, Source<Object> source, SourceContext<Object> context, BooleanSupplier stopping) {
        this.name = name;
        // A FastThreadLocalThread, like the task's: the Pulsar client's recyclers find their pools faster on one.
        this.thread = new FastThreadLocalThread(() -> {
            try {
                source.run(context);
                if (!stopping.getAsBoolean()) {
                    LOG.info("Source connector '{}' finished", name);
                }
            } catch (Throwable t) {
                if (!stopping.getAsBoolean()) {
                    failure = t;
                    LOG.error("Source connector '{}' failed: {}", name, PulsarErrors.reason(t), t);
                }
            }
        }, "tributary-source-" + name);
        thread.start();
    }

    /** The error the source failed with, or null. */
    Throwable failure() {
        return failure;
    }

    /**
     * Waits for {@code run} to return after the stop was signalled, interrupting it if it stays blocked
     * in a read of its own (a queue, a socket): an interrupt is the usual way out.
     */
    void awaitStop(long timeoutMillis) {
        try {
            thread.join(Math.max(1, Math.min(2000, timeoutMillis / 2)));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(Math.max(1, Math.min(2000, timeoutMillis / 4)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Source connector '{}' did not return from run() in time; closing it", name);
        }
    }

    /** Waits for the thread to end, at most until the deadline. */
    void awaitEnd(long deadlineNanos) {
        if (thread.isAlive()) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
