package dev.tributary.runtime.internal.changelog;

import dev.tributary.runtime.internal.state.TaskState;
import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * Key groups waiting to be restored, several at a time: each open changelog reader prefetches while
 * the others are read, so a restore is not a chain of broker round trips (opening a reader, asking
 * whether more is available at the end of each key group). Each step reads a bounded number of
 * records, shared among the open readers.
 */
public final class RestoreQueue {
    private static final int READERS = 8;
    private static final int MIN_SHARE = 500;

    /** A key group restored: how many records that took and how long. */
    public record Restored(int group, long records, long nanos) {
    }

    private final PulsarChangelog changelog;
    private final TaskState state;
    private final ArrayDeque<Integer> waiting = new ArrayDeque<>();
    private final ArrayDeque<GroupRestore> active = new ArrayDeque<>();

    /** @param changelog the changelogs, or null when no store is logged (key groups are ready at once) */
    public RestoreQueue(PulsarChangelog changelog, TaskState state) {
        this.changelog = changelog;
        this.state = state;
    }

    public void add(int group) {
        waiting.add(group);
    }

    public boolean isEmpty() {
        return active.isEmpty() && waiting.isEmpty();
    }

    /**
     * Reads at most about {@code budget} changelog records.
     *
     * @return a key group that finished, or null
     */
    public Restored step(int budget) {
        if (changelog == null) {
            Integer group = waiting.poll();
            return group == null ? null : new Restored(group, 0, 0);
        }
        while (active.size() < READERS && !waiting.isEmpty()) {
            active.add(changelog.startRestore(waiting.poll(), state));
        }
        int readers = active.size();
        int share = budget == Integer.MAX_VALUE ? budget : Math.max(MIN_SHARE, budget / Math.max(1, readers));
        for (int i = 0; i < readers; i++) {
            GroupRestore restore = active.poll();
            if (restore.step(share)) {
                return new Restored(restore.group(), restore.records(), restore.elapsedNanos());
            }
            active.add(restore);
        }
        return null;
    }

    /** Stops restoring these key groups; what was read stays and is read again, harmlessly, next time. */
    public void cancel(BitSet groups) {
        waiting.removeIf(groups::get);
        active.removeIf(restore -> {
            if (groups.get(restore.group())) {
                restore.close();
                return true;
            }
            return false;
        });
    }

    public void close() {
        active.forEach(GroupRestore::close);
        active.clear();
        waiting.clear();
    }
}
