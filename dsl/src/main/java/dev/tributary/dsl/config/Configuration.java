package dev.tributary.dsl.config;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * An immutable set of configuration values, kept as text and read through typed
 * {@link ConfigOption}s, which parse and check them.
 */
public final class Configuration {
    private final Map<String, String> values;

    private Configuration(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * An empty configuration: every option has its default.
     *
     * @return the configuration
     */
    public static Configuration empty() {
        return new Configuration(Map.of());
    }

    /**
     * A configuration from text values.
     *
     * @param values keys and values
     * @return the configuration
     */
    public static Configuration of(Map<String, String> values) {
        return new Configuration(values);
    }

    /**
     * A configuration from properties, such as a loaded properties file.
     *
     * @param properties the properties
     * @return the configuration
     */
    public static Configuration fromProperties(Properties properties) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return new Configuration(map);
    }

    /**
     * Reads an option.
     *
     * @param option the option
     * @param <T> the value type
     * @return the value set, or the option's default
     * @throws ConfigException if the value is invalid, or the option is required and not set
     */
    public <T> T get(ConfigOption<T> option) {
        String text = values.get(option.key());
        if (text == null || text.isBlank()) {
            if (option.isRequired()) {
                throw new ConfigException(option.key(), "missing required setting " + option.key() + ": "
                        + option.description());
            }
            return option.defaultValue();
        }
        return option.parse(text);
    }

    /**
     * Whether an option is set explicitly.
     *
     * @param option the option
     * @return true if a value is present
     */
    public boolean contains(ConfigOption<?> option) {
        String text = values.get(option.key());
        return text != null && !text.isBlank();
    }

    /**
     * A copy with one value set.
     *
     * @param option the option
     * @param value its value, checked against the option's rule
     * @param <T> the value type
     * @return the new configuration
     */
    public <T> Configuration with(ConfigOption<T> option, T value) {
        Objects.requireNonNull(value, "value");
        String text = value instanceof Secret secret ? secret.reveal() : String.valueOf(value);
        option.check(value, option.shown(text));
        return with(option.key(), text);
    }

    /**
     * A copy with one text value set.
     *
     * @param key the key
     * @param value the value as text
     * @return the new configuration
     */
    public Configuration with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new Configuration(copy);
    }

    /**
     * A copy with other values laid over this one's.
     *
     * @param overrides values that take precedence
     * @return the new configuration
     */
    public Configuration withAll(Configuration overrides) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.putAll(overrides.values);
        return new Configuration(copy);
    }

    /**
     * All values as text.
     *
     * @return the keys and values, unmodifiable
     */
    public Map<String, String> asMap() {
        return values;
    }

    /**
     * The values for a start-up banner or a log line: the given options' values (secrets masked), then
     * any other key with its value masked, since nothing says it is not a secret.
     *
     * @param known the options whose values may be shown unless secret
     * @return one {@code key = value} line per set key, in key order
     */
    public String describe(Collection<ConfigOption<?>> known) {
        Map<String, ConfigOption<?>> byKey = new HashMap<>();
        known.forEach(option -> byKey.put(option.key(), option));
        StringBuilder text = new StringBuilder();
        new TreeMap<>(values).forEach((key, value) -> {
            ConfigOption<?> option = byKey.get(key);
            text.append(key).append(" = ").append(option != null ? option.shown(value) : Secret.MASK).append('\n');
        });
        return text.toString();
    }

    /** The keys only: values may be secrets. Use {@link #describe} to show values. */
    @Override
    public String toString() {
        return "Configuration" + new TreeMap<>(values).keySet();
    }
}
