package dev.tributary.dsl.config;

import java.util.Objects;

/**
 * A configuration value that must not be shown: a token, a password. Its {@link #toString()} is a
 * mask, so it cannot leak through a log line, an error message or a metric tag by accident; only
 * {@link #reveal()} gives the value, where it is handed to a client.
 */
public final class Secret {
    /** What a secret looks like wherever it is printed. */
    public static final String MASK = "******";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a secret value.
     *
     * @param value the value
     * @return the secret
     */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "value"));
    }

    /**
     * The value itself, for the client that needs it.
     *
     * @return the value
     */
    public String reveal() {
        return value;
    }

    /**
     * Whether the value is empty.
     *
     * @return true for an empty value
     */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && secret.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** The mask, never the value. */
    @Override
    public String toString() {
        return MASK;
    }
}
