package dev.tributary.dsl.config;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A typed configuration key: its name, how its text is parsed, its default, the rule a value must
 * follow, and a one-line description.
 *
 * <pre>{@code
 * static final ConfigOption<Duration> COMMIT_INTERVAL = ConfigOption.key("commit.interval")
 *         .durationType().defaultValue(Duration.ofMillis(100))
 *         .check(d -> !d.isNegative() && !d.isZero(), "must be positive")
 *         .description("How often processed input is committed.");
 * }</pre>
 *
 * @param <T> the value type
 */
public final class ConfigOption<T> {
    private final String key;
    private final String typeName;
    private final Function<String, T> parser;
    private final T defaultValue;
    private final Predicate<T> rule;
    private final String ruleText;
    private final String description;
    private final boolean required;
    private final boolean secret;

    private ConfigOption(String key, String typeName, Function<String, T> parser, T defaultValue, Predicate<T> rule,
                         String ruleText, String description, boolean required, boolean secret) {
        this.secret = secret;
        this.key = key;
        this.typeName = typeName;
        this.parser = parser;
        this.defaultValue = defaultValue;
        this.rule = rule;
        this.ruleText = ruleText;
        this.description = description;
        this.required = required;
    }

    /**
     * Starts the definition of a key.
     *
     * @param key the key, lower case, words separated by dots or dashes
     * @return a builder that chooses the type next
     */
    public static TypeStep key(String key) {
        Objects.requireNonNull(key, "key");
        if (!key.matches("[a-z0-9]+([.-][a-z0-9]+)*")) {
            throw new IllegalArgumentException("invalid configuration key '" + key + "'");
        }
        return new TypeStep(key);
    }

    /**
     * The key.
     *
     * @return the key
     */
    public String key() {
        return key;
    }

    /**
     * The type's name as shown in the reference.
     *
     * @return for example {@code duration}
     */
    public String typeName() {
        return typeName;
    }

    /**
     * The default value.
     *
     * @return the default, or null when the option has none
     */
    public T defaultValue() {
        return defaultValue;
    }

    /**
     * Whether a value must be given.
     *
     * @return true if there is no default and the option must be set
     */
    public boolean isRequired() {
        return required;
    }

    /**
     * The one-line description.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * Whether the value is a {@link Secret}, never to be shown.
     *
     * @return true for a secret
     */
    public boolean isSecret() {
        return secret;
    }

    /**
     * How a value of this option may be shown: itself, or the mask for a secret.
     *
     * @param text the value as text
     * @return what to print
     */
    public String shown(String text) {
        return secret ? Secret.MASK : text;
    }

    /**
     * The environment variable that sets this option: {@code TRIBUTARY_} and the key in upper case with
     * dots and dashes as underscores, such as {@code TRIBUTARY_PULSAR_SERVICE_URL}.
     *
     * @return the variable's name
     */
    public String environmentVariable() {
        return ConfigLoader.environmentVariable(key);
    }

    /**
     * The rule a value must follow.
     *
     * @return the rule in words, or an empty string
     */
    public String ruleText() {
        return ruleText;
    }

    /**
     * Parses and checks a value given as text.
     *
     * @param text the text
     * @return the value
     * @throws ConfigException naming the key, the value and the rule when the text is not valid
     */
    public T parse(String text) {
        T value;
        try {
            value = parser.apply(text.trim());
        } catch (RuntimeException e) {
            throw new ConfigException(key, shown(text), "must be " + typeName + describeRule()
                    + (e.getMessage() != null && !secret ? " (" + e.getMessage() + ")" : ""));
        }
        check(value, shown(text));
        return value;
    }

    /**
     * Checks a typed value against the rule.
     *
     * @param value the value
     * @param shown how to show the value in an error
     * @return the value
     * @throws ConfigException if it breaks the rule
     */
    public T check(T value, String shown) {
        if (value != null && rule != null && !rule.test(value)) {
            throw new ConfigException(key, shown, ruleText);
        }
        return value;
    }

    private String describeRule() {
        return ruleText.isEmpty() ? "" : " and " + ruleText;
    }

    @Override
    public String toString() {
        return key;
    }

    /** Chooses an option's type. */
    public static final class TypeStep {
        private final String key;

        private TypeStep(String key) {
            this.key = key;
        }

        /**
         * A text value.
         *
         * @return the next step
         */
        public Builder<String> stringType() {
            return new Builder<>(key, "a string", s -> s);
        }

        /**
         * A secret such as a token or a password: read like a string, never shown (see {@link Secret}).
         *
         * @return the next step
         */
        public Builder<Secret> secretType() {
            Builder<Secret> builder = new Builder<>(key, "a secret", Secret::of);
            builder.secret = true;
            return builder;
        }

        /**
         * A 32-bit integer.
         *
         * @return the next step
         */
        public Builder<Integer> intType() {
            return new Builder<>(key, "an integer", Integer::valueOf);
        }

        /**
         * A 64-bit integer.
         *
         * @return the next step
         */
        public Builder<Long> longType() {
            return new Builder<>(key, "a long integer", Long::valueOf);
        }

        /**
         * {@code true} or {@code false}.
         *
         * @return the next step
         */
        public Builder<Boolean> booleanType() {
            return new Builder<>(key, "true or false", s -> {
                if (s.equalsIgnoreCase("true")) {
                    return true;
                }
                if (s.equalsIgnoreCase("false")) {
                    return false;
                }
                throw new IllegalArgumentException("not a boolean");
            });
        }

        /**
         * A duration such as {@code 100ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 {@code PT5S}.
         *
         * @return the next step
         */
        public Builder<Duration> durationType() {
            return new Builder<>(key, "a duration like 100ms, 5s, 2m or 1h", ConfigOption::parseDuration);
        }

        /**
         * A point in time in ISO-8601, such as {@code 2026-01-31T12:00:00Z}, or epoch milliseconds.
         *
         * @return the next step
         */
        public Builder<Instant> instantType() {
            return new Builder<>(key, "an ISO-8601 instant like 2026-01-31T12:00:00Z or epoch milliseconds",
                    s -> s.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(s)) : Instant.parse(s));
        }

        /**
         * One of an enum's constants, matched case-insensitively, with {@code -} for {@code _}.
         *
         * @param type the enum class
         * @param <E> the enum type
         * @return the next step
         */
        public <E extends Enum<E>> Builder<E> enumType(Class<E> type) {
            StringBuilder names = new StringBuilder("one of");
            for (E constant : type.getEnumConstants()) {
                names.append(' ').append(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            return new Builder<>(key, names.toString(),
                    s -> Enum.valueOf(type, s.toUpperCase(Locale.ROOT).replace('-', '_')));
        }
    }

    /**
     * Completes an option's definition.
     *
     * @param <T> the value type
     */
    public static final class Builder<T> {
        private final String key;
        private final String typeName;
        private final Function<String, T> parser;
        private T defaultValue;
        private boolean required;
        private Predicate<T> rule;
        private String ruleText = "";
        private boolean secret;

        private Builder(String key, String typeName, Function<String, T> parser) {
            this.key = key;
            this.typeName = typeName;
            this.parser = parser;
        }

        /**
         * Sets the default value.
         *
         * @param value the default
         * @return this builder
         */
        public Builder<T> defaultValue(T value) {
            this.defaultValue = Objects.requireNonNull(value, "default");
            return this;
        }

        /**
         * Marks the option as having no default: reading it unset is an error.
         *
         * @return this builder
         */
        public Builder<T> required() {
            this.required = true;
            return this;
        }

        /**
         * Adds the rule a value must follow.
         *
         * @param rule the test
         * @param text the rule in words, for errors and the reference, such as {@code must be positive}
         * @return this builder
         */
        public Builder<T> check(Predicate<T> rule, String text) {
            this.rule = Objects.requireNonNull(rule, "rule");
            this.ruleText = Objects.requireNonNull(text, "rule text");
            return this;
        }

        /**
         * Finishes the option with its one-line description.
         *
         * @param description what the option controls
         * @return the option
         */
        public ConfigOption<T> description(String description) {
            ConfigOption<T> option = new ConfigOption<>(key, typeName, parser, defaultValue, rule, ruleText,
                    Objects.requireNonNull(description, "description"), required, secret);
            if (defaultValue != null) {
                option.check(defaultValue, option.shown(String.valueOf(defaultValue)));
            }
            return option;
        }
    }

    static Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            try {
                return Duration.parse(text.trim());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not an ISO-8601 duration");
            }
        }
        int split = 0;
        while (split < s.length() && Character.isDigit(s.charAt(split))) {
            split++;
        }
        if (split == 0) {
            throw new IllegalArgumentException("no number");
        }
        long amount = Long.parseLong(s.substring(0, split));
        switch (s.substring(split).trim()) {
            case "ms": return Duration.ofMillis(amount);
            case "s": return Duration.ofSeconds(amount);
            case "m": case "min": return Duration.ofMinutes(amount);
            case "h": return Duration.ofHours(amount);
            case "d": return Duration.ofDays(amount);
            default: throw new IllegalArgumentException("unknown unit; use ms, s, m, h or d");
        }
    }
}
