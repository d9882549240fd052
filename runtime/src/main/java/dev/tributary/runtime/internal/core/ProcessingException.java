package dev.tributary.runtime.internal.core;

/** User code of a node threw while processing a record; names the node. */
public final class ProcessingException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String node;

    public ProcessingException(String node, Throwable cause) {
        super("node '" + node + "' failed: " + cause, cause);
        this.node = node;
    }

    /** The same failure with where it happened, such as the message id and topic. */
    public ProcessingException(ProcessingException failure, String where) {
        super("node '" + failure.node + "' failed " + where + ": " + failure.getCause(), failure.getCause());
        this.node = failure.node;
    }

    public String node() {
        return node;
    }
}
