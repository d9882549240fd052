package dev.tributary.runtime.internal.changelog;

import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.state.TaskState;
import java.util.BitSet;

/**
 * Warm copies of key groups this instance does not own but would take over first: each is read to
 * the end of its changelog, one key group at a time, a cycle every standby.interval. A copy keeps its
 * changelog position, so a take-over restores only what was written since the last cycle.
 */
public final class StandbyCopies {
    private final PulsarChangelog changelog;
    private final TaskState state;
    private final TaskMetrics metrics;
    private final long intervalNanos;
    private final BitSet groups = new BitSet();
    /** Per key group, the wall-clock time its copy last reached the end of the changelog. */
    private final long[] caughtUp;
    private GroupRestore current;
    private int next;
    private long nextCycleNanos;

    public StandbyCopies(PulsarChangelog changelog, TaskState state, TaskMetrics metrics, int keyGroups, long intervalNanos) {
        this.changelog = changelog;
        this.state = state;
        this.metrics = metrics;
        this.intervalNanos = intervalNanos;
        this.caughtUp = new long[keyGroups];
    }

    public BitSet groups() {
        return (BitSet) groups.clone();
    }

    /** Keeps copies of exactly these key groups from now on. */
    public void keep(BitSet wanted) {
        for (int group = groups.nextSetBit(0); group >= 0; group = groups.nextSetBit(group + 1)) {
            if (!wanted.get(group)) {
                caughtUp[group] = 0;
                state.standbyDropped(group);
            }
        }
        groups.clear();
        groups.or(wanted);
        if (current != null && !groups.get(current.group())) {
            current.close();
            current = null;
        }
        metrics.gauge(TaskMetrics.KEY_GROUPS_STANDBY).set(groups.cardinality());
    }

    /** Drops the copy being read (the broker broke it off); it is read again in a later cycle. */
    public void abandonCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    /** Reads at most {@code budget} changelog records into the copies. */
    public void step(int budget) {
        long now = System.nanoTime();
        if (current == null) {
            if (now < nextCycleNanos) {
                return;
            }
            int group = groups.nextSetBit(next);
            if (group < 0) {
                next = 0;
                nextCycleNanos = now + intervalNanos;
                publishLag();
                return;
            }
            next = group + 1;
            state.openKeyGroup(group);
            current = changelog.startRestore(group, state);
        }
        if (current.step(budget)) {
            caughtUp[current.group()] = System.currentTimeMillis();
            state.standbyCaughtUp(current.group(), caughtUp[current.group()]);
            current = null;
        }
    }

    private void publishLag() {
        long oldest = Long.MAX_VALUE;
        for (int group = groups.nextSetBit(0); group >= 0; group = groups.nextSetBit(group + 1)) {
            oldest = Math.min(oldest, caughtUp[group]);
        }
        // The time by which every copy had read its changelog to the end, and how long ago that was.
        long wall = System.currentTimeMillis();
        metrics.gauge(TaskMetrics.STANDBY_CAUGHT_UP).set(oldest == Long.MAX_VALUE ? wall : oldest);
        metrics.gauge(TaskMetrics.STANDBY_LAG).set(oldest == Long.MAX_VALUE ? 0 : wall - oldest);
    }

    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
