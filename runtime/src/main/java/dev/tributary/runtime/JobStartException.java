package dev.tributary.runtime;

/**
 * A job could not start: bad settings, an unreachable broker, a missing topic, a refused schema.
 * The message says what and names the setting, topic or node concerned.
 */
public class JobStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the setting, topic or node
     * @param cause the underlying error, may be null
     */
    public JobStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
