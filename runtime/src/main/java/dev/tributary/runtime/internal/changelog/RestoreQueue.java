package dev.tributary.runtime.internal.changelog;

import dev.tributary.runtime.internal.output.OutputException;
import dev.tributary.runtime.internal.state.TaskState;
import java.util.ArrayDeque;
import java.util.BitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key groups waiting to be restored, several at a time: each open changelog reader prefetches while
 * the others are read, so a restore is not a chain of broker round trips (opening a reader, asking
 * whether more is available at the end of each key group). Each step reads a bounded number of
 * records, shared among the open readers.
 */
public final class RestoreQueue {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreQueue.class);
    private static final int READERS = 8;
    private static final int MIN_SHARE = 500;

    /** A key group restored: how many records that took and how long. */
    public record Restored(int group, long records, long nanos) {
    }

    private final PulsarChangelog changelog;
    private final TaskState state;
    private final ArrayDeque<Integer> waiting = new ArrayDeque<>();
    private final ArrayDeque<GroupRestore> active = new ArrayDeque<>();
    /** Key groups whose restore failed (the broker went away), each with when (nanos) to start it again. */
    private final java.util.Map<Integer, Long> retries = new java.util.LinkedHashMap<>();
    private long backoffMillis;
    private long lastWarned;
    /** Records the last step read: none means its readers are waiting (opening, or for the broker). */
    private long readLastStep;

    /** @param changelog the changelogs, or null when no store is logged (key groups are ready at once) */
    public RestoreQueue(PulsarChangelog changelog, TaskState state) {
        this.changelog = changelog;
        this.state = state;
    }

    public void add(int group) {
        waiting.add(group);
    }

    public boolean isEmpty() {
        return active.isEmpty() && waiting.isEmpty() && retries.isEmpty();
    }

    /**
     * Reads at most about {@code budget} changelog records.
     *
     * @return the key groups that finished, often none
     */
    public java.util.List<Restored> step(int budget) {
        if (changelog == null) {
            java.util.List<Restored> all = new java.util.ArrayList<>();
            for (Integer group = waiting.poll(); group != null; group = waiting.poll()) {
                all.add(new Restored(group, 0, 0));
            }
            return all;
        }
        long now = System.nanoTime();
        for (var it = retries.entrySet().iterator(); it.hasNext(); ) {
            var retry = it.next();
            if (retry.getValue() <= now) {
                it.remove();
                waiting.addFirst(retry.getKey());
            }
        }
        while (active.size() < READERS && !waiting.isEmpty()) {
            active.add(changelog.startRestore(waiting.poll(), state));
        }
        int readers = active.size();
        int share = budget == Integer.MAX_VALUE ? budget : Math.max(MIN_SHARE, budget / Math.max(1, readers));
        java.util.List<Restored> finished = java.util.List.of();
        readLastStep = 0;
        for (int i = 0; i < readers; i++) {
            GroupRestore restore = active.poll();
            long before = restore.records();
            try {
                boolean done = restore.step(share);
                readLastStep += restore.records() - before;
                if (done) {
                    backoffMillis = 0;
                    if (finished.isEmpty()) {
                        finished = new java.util.ArrayList<>();
                    }
                    finished.add(new Restored(restore.group(), restore.records(), restore.elapsedNanos()));
                    continue;
                }
            } catch (OutputException e) {
                retryLater(restore, e);
                continue;
            }
            active.add(restore);
        }
        return finished;
    }

    /**
     * A restore the broker broke off (it restarted, or is unreachable) starts again after a backoff,
     * from where the local files stand: what it wrote already is written again, harmlessly.
     */
    private void retryLater(GroupRestore restore, OutputException e) {
        restore.close();
        backoffMillis = Math.min(5_000, Math.max(200, backoffMillis * 2));
        retries.put(restore.group(), System.nanoTime() + backoffMillis * 1_000_000);
        long now = System.nanoTime();
        if (now - lastWarned > 30_000_000_000L) {
            lastWarned = now;
            LOG.warn("{}; waiting for the broker and restoring again (every {} ms at most)", e.getMessage(),
                    backoffMillis);
        }
    }

    /** Changelog records read so far by each key group being read now; the waiting ones have read none. */
    public java.util.Map<Integer, Long> progress() {
        java.util.Map<Integer, Long> progress = new java.util.TreeMap<>();
        for (GroupRestore restore : active) {
            progress.put(restore.group(), restore.records());
        }
        return progress;
    }

    /** Whether the last step read or finished anything: if not, the readers wait for the broker. */
    public boolean progressed() {
        return readLastStep > 0;
    }

    /** Whether some restore is waiting for its next try after a failure. */
    public boolean retrying() {
        return !retries.isEmpty();
    }

    /** Stops restoring these key groups; what was read stays and is read again, harmlessly, next time. */
    public void cancel(BitSet groups) {
        waiting.removeIf(groups::get);
        retries.keySet().removeIf(groups::get);
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
        retries.clear();
    }
}
