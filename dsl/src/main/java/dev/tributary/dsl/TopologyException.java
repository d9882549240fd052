package dev.tributary.dsl;

/**
 * A topology cannot be built or run as described: the message names the node and what is wrong.
 */
public class TopologyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the node or topic concerned
     */
    public TopologyException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, naming the node or topic concerned
     * @param cause the underlying error
     */
    public TopologyException(String message, Throwable cause) {
        super(message, cause);
    }
}
