package dev.tributary.runtime.internal.pulsar;

import dev.tributary.runtime.internal.state.TaskState;
import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * Key groups waiting to be restored, restored one at a time a bounded number of records per step;
 * the changelog readers of the next few open meanwhile, since opening one is a broker round trip.
 */
final class RestoreQueue {
    private static final int READERS_AHEAD = 3;

    /** A key group restored: how many records that took and how long. */
    record Restored(int group, long records, long nanos) {
    }

    private final PulsarChangelog changelog;
    private final TaskState state;
    private final ArrayDeque<Integer> waiting = new ArrayDeque<>();
    private final ArrayDeque<PulsarChangelog.GroupRestore> opening = new ArrayDeque<>();
    private PulsarChangelog.GroupRestore current;

    /** @param changelog the changelogs, or null when no store is logged (key groups are ready at once) */
    RestoreQueue(PulsarChangelog changelog, TaskState state) {
        this.changelog = changelog;
        this.state = state;
    }

    void add(int group) {
        waiting.add(group);
    }

    boolean isEmpty() {
        return current == null && opening.isEmpty() && waiting.isEmpty();
    }

    /**
     * Reads at most {@code budget} changelog records.
     *
     * @return the key group that finished, or null
     */
    Restored step(int budget) {
        if (current == null) {
            if (changelog == null) {
                Integer group = waiting.poll();
                return group == null ? null : new Restored(group, 0, 0);
            }
            current = opening.poll();
            if (current == null) {
                Integer group = waiting.poll();
                if (group == null) {
                    return null;
                }
                current = changelog.startRestore(group, state);
            }
        }
        while (opening.size() < READERS_AHEAD && !waiting.isEmpty()) {
            opening.add(changelog.startRestore(waiting.poll(), state));
        }
        if (!current.step(budget)) {
            return null;
        }
        PulsarChangelog.GroupRestore done = current;
        current = null;
        return new Restored(done.group(), done.records(), done.elapsedNanos());
    }

    /** Stops restoring these key groups; what was read stays and is read again, harmlessly, next time. */
    void cancel(BitSet groups) {
        waiting.removeIf(groups::get);
        opening.removeIf(restore -> {
            if (groups.get(restore.group())) {
                restore.close();
                return true;
            }
            return false;
        });
        if (current != null && groups.get(current.group())) {
            current.close();
            current = null;
        }
    }

    void close() {
        if (current != null) {
            current.close();
            current = null;
        }
        opening.forEach(PulsarChangelog.GroupRestore::close);
        opening.clear();
        waiting.clear();
    }
}
