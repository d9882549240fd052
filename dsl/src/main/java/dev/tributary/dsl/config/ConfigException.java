package dev.tributary.dsl.config;

/**
 * A configuration value is missing or invalid. The message names the key, the value and the rule.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String key;

    /**
     * Creates the exception for an invalid value.
     *
     * @param key the configuration key
     * @param value the value as given
     * @param rule what a valid value looks like
     */
    public ConfigException(String key, String value, String rule) {
        super("invalid value '" + value + "' for " + key + ": " + rule);
        this.key = key;
    }

    /**
     * Creates the exception with a complete message.
     *
     * @param key the configuration key
     * @param message the message, naming the key
     */
    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /**
     * The key concerned.
     *
     * @return the configuration key
     */
    public String key() {
        return key;
    }
}
