package dev.tributary.runtime.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.internal.pulsar.PulsarConnections;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * Binds what a job process shares: its {@link Configuration}, its metrics registry (a
 * {@link PrometheusMeterRegistry}, also bound as {@link MeterRegistry}), and a {@link PulsarClient}
 * for the job's own services, created on first use with the job's connection and security settings
 * and closed by {@link #close()}. The launcher installs it; jobs add their own modules beside it.
 */
public final class TributaryModule extends AbstractModule implements AutoCloseable {
    private final Configuration config;
    private final PrometheusMeterRegistry registry;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /**
     * @param config the process's settings
     * @param registry the registry /metrics serves
     */
    public TributaryModule(Configuration config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    @Override
    protected void configure() {
        bind(Configuration.class).toInstance(config);
        bind(PrometheusMeterRegistry.class).toInstance(registry);
        bind(MeterRegistry.class).toInstance(registry);
    }

    @Provides
    @Singleton
    PulsarClient pulsarClient() {
        PulsarClient client = PulsarConnections.newClient(config);
        synchronized (opened) {
            opened.push(client);
        }
        return client;
    }

    /** Closes what the module created, newest first. */
    @Override
    public void close() {
        synchronized (opened) {
            while (!opened.isEmpty()) {
                try {
                    opened.pop().close();
                } catch (PulsarClientException ignored) {
                    // closing at exit is best effort
                } catch (Exception ignored) {
                    // closing at exit is best effort
                }
            }
        }
    }
}
