package dev.tributary.dsl;

/**
 * Creates the starting aggregate of a key seen for the first time.
 *
 * @param <VA> the aggregate type
 */
@FunctionalInterface
public interface Initializer<VA> {
    /** @return the starting aggregate */
    VA apply();
}
