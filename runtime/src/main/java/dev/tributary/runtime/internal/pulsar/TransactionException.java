package dev.tributary.runtime.internal.pulsar;

/** A transaction could not be opened, committed or ended as asked; the message says which and why. */
public final class TransactionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TransactionException(String message, Throwable cause) {
        super(message, cause);
    }
}
