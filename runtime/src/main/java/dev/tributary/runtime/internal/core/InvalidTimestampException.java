package dev.tributary.runtime.internal.core;

/** A source's timestamp extractor failed on a record or gave it a negative time: the record cannot be placed in time. */
public final class InvalidTimestampException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidTimestampException(String message, Throwable cause) {
        super(message, cause);
    }
}
