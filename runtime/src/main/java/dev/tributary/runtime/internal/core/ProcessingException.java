package dev.tributary.runtime.internal.core;

/**
 * Processing a record failed at a node: user code threw, or the record cannot be handled there. Names
 * the node, and says whether trying the same record again could succeed.
 */
public final class ProcessingException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String node;
    private final boolean retriable;

    /** User code threw: it may depend on something outside the record, so it is worth another try. */
    public ProcessingException(String node, Throwable cause) {
        this(node, cause, true);
    }

    /**
     * @param retriable false when the same record is certain to fail again (it cannot be encoded, it
     *     has no key where one is required), so retries would only hold its key back
     */
    public ProcessingException(String node, Throwable cause, boolean retriable) {
        super("node '" + node + "' failed: " + cause, cause);
        this.node = node;
        this.retriable = retriable;
    }

    /** A record a node cannot handle by its nature, such as a keyless record reaching an aggregation. */
    public static ProcessingException invalid(String node, String reason) {
        return new ProcessingException(node, new InvalidRecordException(reason), false);
    }

    public String node() {
        return node;
    }

    public boolean retriable() {
        return retriable;
    }

    /** The record does not fit what a node requires of it. */
    public static final class InvalidRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public InvalidRecordException(String message) {
            super(message);
        }
    }
}
