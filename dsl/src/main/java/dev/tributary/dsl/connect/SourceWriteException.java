package dev.tributary.dsl.connect;

/**
 * A record a source emitted was not stored: the broker refused it or did not confirm it in time.
 */
public class SourceWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean retriable;

    /**
     * @param message what was not written where, and why
     * @param retriable whether writing it again may succeed (the broker was unavailable), as opposed to a
     *     refusal that repeats (a schema mismatch)
     * @param cause the client's error
     */
    public SourceWriteException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    /**
     * Whether writing the record again may succeed.
     *
     * @return true for unavailability, false for a refusal
     */
    public boolean retriable() {
        return retriable;
    }
}
