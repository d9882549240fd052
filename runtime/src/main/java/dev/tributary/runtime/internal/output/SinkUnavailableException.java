package dev.tributary.runtime.internal.output;

/** The job stops while a sink connector's target is unavailable: its records stay unacknowledged. */
public final class SinkUnavailableException extends OutputException {
    private static final long serialVersionUID = 1L;

    public SinkUnavailableException(String message) {
        super(message, null);
    }
}
