package dev.tributary.state;

/** A state store failed; the message names the store. */
public class StateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the store
     * @param cause the underlying error
     */
    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
