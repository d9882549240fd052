package dev.tributary.runtime.internal.pulsar;

/** A record a sink connector refused, saying whether writing it again may succeed. */
final class ConnectorRejection extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean retriable;

    ConnectorRejection(String message, Throwable cause, boolean retriable) {
        super(message, cause);
        this.retriable = retriable;
    }

    boolean retriable() {
        return retriable;
    }
}
