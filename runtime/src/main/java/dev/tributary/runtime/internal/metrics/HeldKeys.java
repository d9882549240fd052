package dev.tributary.runtime.internal.metrics;

import java.util.List;

/**
 * A copy of what a task holds behind failing keys, taken on the task's thread for the ops server and
 * the metrics, which read it from theirs.
 *
 * @param takenAtMillis when it was taken (wall clock)
 * @param keyGroups per key group with held records or failing keys, by key group
 * @param keys the failing keys, longest failing first, at most as many as asked for
 * @param failingKeys how many keys fail now, all of them
 * @param heldRecords records held behind them, all of them
 */
public record HeldKeys(long takenAtMillis, List<Group> keyGroups, List<Key> keys, int failingKeys, long heldRecords) {
    /** Nothing held. */
    public static final HeldKeys NONE = new HeldKeys(0, List.of(), List.of(), 0, 0);

    /**
     * One key group.
     *
     * @param keyGroup the key group, or -1 for records without a key
     * @param heldRecords records waiting behind its failing keys
     * @param failingKeys its keys whose record is waiting for a retry
     * @param oldestSinceMillis since when its longest failing key fails
     */
    public record Group(int keyGroup, int heldRecords, int failingKeys, long oldestSinceMillis) {
    }

    /**
     * One failing key.
     *
     * @param key the record key as the message carries it, or null for records without one
     * @param keyGroup its key group, or -1 without a key
     * @param heldRecords records of the key waiting behind the failing one
     * @param attempts attempts of the failing record so far
     * @param sinceMillis since when the key fails (wall clock)
     * @param node the node where the record failed last
     * @param kind what failed: processing, output, ...
     * @param lastError the last error, in a line
     */
    public record Key(String key, int keyGroup, int heldRecords, int attempts, long sinceMillis, String node,
                      String kind, String lastError) {
    }

    /** The longest failing key, or null if none fails. */
    public Key oldest() {
        return keys.isEmpty() ? null : keys.get(0);
    }
}
