package dev.tributary.runtime;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Configuration;
import java.util.List;

/**
 * A deployable job: its topology and its settings. Packaged in a fat jar and started by
 * {@link dev.tributary.runtime.launcher.JobLauncher} ({@code java -jar my-job.jar --config job.properties}).
 *
 * <p>The launcher creates the job through Guice, so its constructor may take injected services: the
 * job's {@link Configuration}, the {@link io.micrometer.core.instrument.MeterRegistry}, a shared
 * {@link org.apache.pulsar.client.api.PulsarClient}, and whatever the job's own modules bind. Give
 * them to the topology's functions there: nothing is injected per record.
 *
 * <pre>{@code
 * public final class OrderTotals implements Job {
 *     static final ConfigOption<String> ORDERS = ConfigOption.key("orders.topic").stringType()
 *             .defaultValue("orders").description("The topic orders are read from.");
 *
 *     @Inject
 *     public OrderTotals(PriceService prices) { this.prices = prices; }
 *
 *     public String name() { return "order-totals"; }
 *     public List<ConfigOption<?>> options() { return List.of(ORDERS); }
 *     public Topology topology(Configuration config) { ... }
 * }
 * }</pre>
 */
public interface Job {
    /**
     * The job's name, the default {@code application.id}.
     *
     * @return the name: letters, digits, '.', '_' or '-'
     */
    String name();

    /**
     * Builds the topology from the job's settings. Called once, before the job connects.
     *
     * @param config every setting, the job's own included
     * @return the topology to run
     */
    Topology topology(Configuration config);

    /**
     * The job's own settings, checked, documented and shown in the start-up banner with the runtime's.
     *
     * @return the options; none by default
     */
    default List<ConfigOption<?>> options() {
        return List.of();
    }
}
