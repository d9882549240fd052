package dev.tributary.runtime;

/**
 * What happens to an input record whose processing or output failed for good: after its last retry,
 * or at once when retrying cannot help (the record does not decode, has no key where one is needed,
 * or its output topic refuses it). Set per job with {@code errors.policy}, per node with
 * {@code errors.policy.nodes}.
 */
public enum ErrorPolicy {
    /**
     * Write the record, unchanged, to the dead-letter topic with the error in its properties; the input
     * is acknowledged only once the broker confirmed that write.
     */
    DEAD_LETTER,
    /** Count the record, log its message id and the error, and acknowledge it. */
    SKIP,
    /**
     * Stop the job with the error. The record is not acknowledged, so a restarted job meets it again;
     * neither are the records processed since the last commit.
     */
    FAIL
}
