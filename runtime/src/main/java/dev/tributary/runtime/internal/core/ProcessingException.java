package dev.tributary.runtime.internal.core;

/** User code of a node threw while processing a record; names the node. */
public final class ProcessingException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String node;

    public ProcessingException(String node, Throwable cause) {
        super("node '" + node + "' failed: " + cause, cause);
        this.node = node;
    }

    public String node() {
        return node;
    }
}
