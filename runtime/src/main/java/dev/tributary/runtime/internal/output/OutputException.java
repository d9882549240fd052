package dev.tributary.runtime.internal.output;

/** An output write failed or was not confirmed; the commit fails and nothing is acknowledged. */
public class OutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
