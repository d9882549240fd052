package dev.tributary.runtime.internal.output;

/** The broker confirmed none of an output's pending writes within the send timeout. */
public final class UnconfirmedWritesException extends OutputException {
    private static final long serialVersionUID = 1L;
    private final String topic;

    UnconfirmedWritesException(String topic, String message, Throwable cause) {
        super(message, cause);
        this.topic = topic;
    }

    /** @return the topic the writes went to */
    public String topic() {
        return topic;
    }
}
