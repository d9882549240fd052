package dev.tributary.dsl;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a node in a topology. A node's name becomes the name of its metrics, its state stores
 * and its internal topics, so name every node whose name must stay the same when the topology changes.
 * Unnamed nodes get a generated name from their kind and position, such as {@code filter-3}.
 */
public final class Named {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** The name. Read by the DSL implementation; users create instances with {@link #as}. */
    protected final String name;

    private Named(String name) {
        this.name = name;
    }

    /**
     * A node name.
     *
     * @param name letters, digits, {@code .}, {@code _} and {@code -}, starting with a letter or digit,
     *     at most 100 characters
     * @return the name
     * @throws IllegalArgumentException if the name is not of that form
     */
    public static Named as(String name) {
        validate(name);
        return new Named(name);
    }

    /**
     * Checks that a string is a valid node name.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException if it is not valid, with the reason
     */
    public static String validate(String name) {
        Objects.requireNonNull(name, "node name");
        if (!VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid node name '" + name + "': use letters, digits, '.', '_'"
                    + " and '-', starting with a letter or digit, at most 100 characters");
        }
        return name;
    }

    /**
     * The name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
