package dev.tributary.runtime.internal.input;

/** A message's bytes do not match its source's schemas. */
public final class UndecodableRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UndecodableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
