package dev.tributary.dsl.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Assembles a configuration from its sources. Later sources win:
 * <ol>
 *   <li>each option's default;</li>
 *   <li>a properties file ({@code --config job.properties});</li>
 *   <li>environment variables: {@code TRIBUTARY_} and the key in upper case with dots and dashes as
 *       underscores ({@code pulsar.service.url} is {@code TRIBUTARY_PULSAR_SERVICE_URL});</li>
 *   <li>flags given on the command line ({@code --set key=value}).</li>
 * </ol>
 * A key no option knows is kept (a job may read it) but reported as a warning with the closest known
 * key; so is a {@code TRIBUTARY_} variable that names no option. Values are checked when read.
 */
public final class ConfigLoader {
    /** The prefix of the environment variables that set options. */
    public static final String ENVIRONMENT_PREFIX = "TRIBUTARY_";

    /** The prefix of connector settings: {@code connector.<name>.<key>}. */
    public static final String CONNECTOR_PREFIX = "connector.";

    private ConfigLoader() {
    }

    /**
     * A loaded configuration, the warnings about it, and where each value came from.
     *
     * @param configuration the values
     * @param warnings one line per unknown key, naming its source and the closest known key
     * @param origins for each key set, its source: {@code file <path>}, {@code environment <VARIABLE>}
     *     or {@code flag}
     */
    public record Loaded(Configuration configuration, List<String> warnings, Map<String, String> origins) {
    }

    static String environmentVariable(String key) {
        return ENVIRONMENT_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Loads the configuration.
     *
     * @param known every option the process defines (the runtime's and the job's)
     * @param file a properties file, or null for none
     * @param environment the environment, usually {@code System.getenv()}
     * @param flags keys and values from the command line
     * @return the configuration with warnings and origins
     * @throws ConfigException if the file cannot be read
     */
    public static Loaded load(Collection<ConfigOption<?>> known, Path file, Map<String, String> environment,
                              Map<String, String> flags) {
        Map<String, ConfigOption<?>> byKey = new LinkedHashMap<>();
        Map<String, ConfigOption<?>> byVariable = new HashMap<>();
        for (ConfigOption<?> option : known) {
            byKey.put(option.key(), option);
            byVariable.put(option.environmentVariable(), option);
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("config", "cannot read the configuration file '" + file + "': " + e);
            }
            for (String key : new TreeSet<>(properties.stringPropertyNames())) {
                put(key, properties.getProperty(key).trim(), "file " + file, byKey, values, origins, warnings);
            }
        }
        for (Map.Entry<String, String> variable : new java.util.TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith(ENVIRONMENT_PREFIX)) {
                continue;
            }
            ConfigOption<?> option = byVariable.get(name);
            if (option == null) {
                List<String> names = new ArrayList<>(byVariable.keySet());
                warnings.add("unknown environment variable " + name + Suggestions.didYouMean(name, names)
                        + "; no setting reads it");
                continue;
            }
            values.put(option.key(), variable.getValue());
            origins.put(option.key(), "environment " + name);
        }
        flags.forEach((key, value) -> put(key, value, "flag", byKey, values, origins, warnings));
        return new Loaded(Configuration.of(values), List.copyOf(warnings), Map.copyOf(origins));
    }

    private static void put(String key, String value, String origin, Map<String, ConfigOption<?>> byKey,
                            Map<String, String> values, Map<String, String> origins, List<String> warnings) {
        // Connector settings are checked strictly against each connector's own options when it opens.
        if (!byKey.containsKey(key) && !key.startsWith(CONNECTOR_PREFIX)) {
            warnings.add("unknown setting '" + key + "' (" + origin + ")" + Suggestions.didYouMean(key, byKey.keySet())
                    + "; no setting of this name exists");
        }
        values.put(key, value);
        origins.put(key, origin);
    }
}
