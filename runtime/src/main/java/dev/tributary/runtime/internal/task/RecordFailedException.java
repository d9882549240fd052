package dev.tributary.runtime.internal.task;

/** A record failed for good under the {@code fail} policy: the job stops, the record stays unacknowledged. */
public final class RecordFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RecordFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
