package dev.tributary.runtime.internal.pulsar;

/** A record a sink connector refused, saying whether writing it again may succeed. */
public final class ConnectorRejection extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean retriable;

    public ConnectorRejection(String message, Throwable cause, boolean retriable) {
        super(message, cause);
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
    }
}
