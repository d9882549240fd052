package dev.tributary.runtime.internal.connect;

import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.ConfigLoader;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.config.Suggestions;
import dev.tributary.dsl.connect.Connector;
import dev.tributary.dsl.connect.ConnectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * A connector's settings: the job's keys under {@code connector.<name>.}, prefix removed, checked
 * against the connector's options and the ones the runtime reads for every connector.
 */
public final class ConnectorSettings {
    /** Chooses the implementation of a connector added by type. */
    public static final ConfigOption<String> TYPE = ConfigOption.key("type").stringType()
            .description("The connector type, for connectors added by name only (builder.source(name, topic, schema),"
                    + " stream.sink(name)): http, jdbc, file, or a type of a ConnectorProvider on the class path.");

    /** Backpressure of sources. */
    public static final ConfigOption<Integer> MAX_IN_FLIGHT = ConfigOption.key("max-in-flight").intType()
            .defaultValue(10_000).check(n -> n > 0, "must be positive")
            .description("Sources: records emitted and not yet confirmed by the broker; emit blocks beyond this.");

    /** How long a source's records wait to be batched. */
    public static final ConfigOption<Duration> LINGER = ConfigOption.key("linger").durationType()
            .defaultValue(Duration.ofMillis(2)).check(d -> !d.isNegative() && d.toMillis() <= 1000, "must be 0 to 1 s")
            .description("Sources: how long emitted records wait to be batched (by key group) before they are sent.");

    /** How often a source's positions are committed. */
    public static final ConfigOption<Duration> POSITION_INTERVAL = ConfigOption.key("position-interval")
            .durationType().defaultValue(Duration.ofSeconds(1)).check(d -> d.toMillis() >= 10, "must be at least 10 ms")
            .description("Sources: how often the positions of stored records are committed (and at stop).");

    /** Sink batch size. */
    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOption.key("batch-size").intType()
            .defaultValue(1000).check(n -> n > 0, "must be positive")
            .description("Sinks: records handed to the sink in one write; a batch is also written at every commit.");

    /** Sink backoff while the target is unavailable. */
    public static final ConfigOption<Duration> RETRY_MAX_DELAY = ConfigOption.key("retry.max-delay").durationType()
            .defaultValue(Duration.ofSeconds(5)).check(d -> d.toMillis() >= 10, "must be at least 10 ms")
            .description("Sinks: the longest wait between writes of a batch while the target is unavailable (the"
                    + " wait doubles from 100 ms).");

    private static final List<ConfigOption<?>> SOURCE_OPTIONS = List.of(TYPE, MAX_IN_FLIGHT, LINGER, POSITION_INTERVAL);
    private static final List<ConfigOption<?>> SINK_OPTIONS = List.of(TYPE, BATCH_SIZE, RETRY_MAX_DELAY);

    private ConnectorSettings() {
    }

    /** The runtime's own options of every source connector. */
    public static List<ConfigOption<?>> sourceOptions() {
        return SOURCE_OPTIONS;
    }

    /** The runtime's own options of every sink connector. */
    public static List<ConfigOption<?>> sinkOptions() {
        return SINK_OPTIONS;
    }

    /** The keys under {@code connector.<name>.}, prefix removed. */
    public static Configuration of(Configuration job, String name) {
        String prefix = ConfigLoader.CONNECTOR_PREFIX + name + ".";
        Map<String, String> values = new HashMap<>();
        job.asMap().forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                values.put(key.substring(prefix.length()), value);
            }
        });
        return Configuration.of(values);
    }

    /**
     * Checks every setting: each option's value against its rule, and every key against the known ones.
     *
     * @throws ConfigException naming the full key ({@code connector.<name>.<key>})
     */
    public static void check(String name, Configuration settings, List<ConfigOption<?>> runtimeOptions,
                             List<ConfigOption<?>> connectorOptions) {
        String prefix = ConfigLoader.CONNECTOR_PREFIX + name + ".";
        Map<String, ConfigOption<?>> known = new TreeMap<>();
        for (ConfigOption<?> option : runtimeOptions) {
            known.put(option.key(), option);
        }
        for (ConfigOption<?> option : connectorOptions) {
            known.put(option.key(), option);
        }
        for (String key : new TreeMap<>(settings.asMap()).keySet()) {
            if (!known.containsKey(key)) {
                List<String> full = known.keySet().stream().map(k -> prefix + k).toList();
                throw new ConfigException(prefix + key, "unknown setting '" + prefix + key + "' for connector '" + name
                        + "'" + Suggestions.didYouMean(prefix + key, full) + "; it reads " + String.join(", ", known.keySet()));
            }
        }
        for (ConfigOption<?> option : known.values()) {
            try {
                settings.get(option);
            } catch (ConfigException e) {
                String message = e.getMessage().replace(" " + option.key() + ":", " " + prefix + option.key() + ":")
                        .replace("'" + option.key() + "'", "'" + prefix + option.key() + "'");
                throw new ConfigException(prefix + option.key(), "connector '" + name + "': " + message);
            }
        }
    }

    /**
     * The connector for {@code connector.<name>.type}, from the providers on the class path.
     *
     * @param sink whether a sink is wanted (else a source)
     */
    public static Connector byType(String name, Configuration settings, boolean sink) {
        String key = ConfigLoader.CONNECTOR_PREFIX + name + "." + TYPE.key();
        String type = settings.get(TYPE);
        List<String> types = new ArrayList<>();
        ConnectorProvider match = null;
        for (ConnectorProvider provider : ServiceLoader.load(ConnectorProvider.class)) {
            types.add(provider.type());
            if (provider.type().equals(type)) {
                match = provider;
            }
        }
        if (type == null) {
            throw new ConfigException(key, "connector '" + name + "' is added by name, so " + key
                    + " must say its type; types on the class path: " + (types.isEmpty() ? "none" : types));
        }
        if (match == null) {
            throw new ConfigException(key, "no connector type '" + type + "' for " + key + Suggestions.didYouMean(type, types)
                    + "; types on the class path: " + (types.isEmpty() ? "none (add a connector module to the job)" : types));
        }
        try {
            return sink ? match.newSink() : match.newSource();
        } catch (UnsupportedOperationException e) {
            throw new ConfigException(key, "connector '" + name + "': " + e.getMessage());
        }
    }
}
