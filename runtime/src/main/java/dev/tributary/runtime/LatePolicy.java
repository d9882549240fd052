package dev.tributary.runtime;

/**
 * What happens to a late record: one that arrives for time windows that have all closed (their end
 * plus grace reached by its key group's stream time). Whatever the policy, it is counted in
 * {@code tributary_late_records_total} and its lateness in {@code tributary_late_records_lateness_ms};
 * it is never counted in a window. Set with {@code windows.late.policy}.
 */
public enum LatePolicy {
    /**
     * Write the record, unchanged, to the late-records topic ({@code <input topic>-<application id>-late},
     * or {@code windows.late.topic}) with the node, window and stream time in its properties
     * ({@link LateRecordProperties}); the input is acknowledged once the broker confirmed that write.
     */
    LATE_TOPIC,
    /** Write it to the dead-letter topic with kind {@code late}, like a record that failed. */
    DEAD_LETTER,
    /** Count it and acknowledge it. */
    SKIP
}
