package dev.tributary.runtime.internal.ownership;

import dev.tributary.runtime.internal.changelog.PulsarChangelog;
import dev.tributary.runtime.internal.changelog.RestoreQueue;
import dev.tributary.runtime.internal.changelog.StandbyCopies;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.state.TaskState;
import java.util.BitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ownership reads from changelogs on the task's thread, a bounded number of records per turn:
 * the key groups being restored, and, when none is, the standby copies of the key groups this
 * instance is second choice for.
 */
final class Restores {
    private static final Logger LOG = LoggerFactory.getLogger(Restores.class);

    private final String instanceId;
    private final RestoreQueue queue;
    /** Warm copies of this instance's second choices, or null without standby replicas. */
    private final StandbyCopies standbys;

    /** @param changelog the job's changelogs, or null when no store is logged (key groups are ready at once) */
    Restores(String instanceId, PulsarChangelog changelog, TaskState state, TaskMetrics metrics, int keyGroups,
             OwnershipSettings settings) {
        this.instanceId = instanceId;
        this.queue = new RestoreQueue(changelog, state);
        this.standbys = changelog != null && settings.standbyReplicas() > 0
                ? new StandbyCopies(changelog, state, metrics, keyGroups, settings.standbyIntervalNanos())
                : null;
    }

    void add(int group) {
        queue.add(group);
    }

    void cancel(BitSet groups) {
        queue.cancel(groups);
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Whether the last step read changelog records. */
    boolean progressed() {
        return queue.progressed();
    }

    /** Changelog records read so far by each key group being read now. */
    java.util.Map<Integer, Long> progress() {
        return queue.progress();
    }

    /** Whether a restore the broker broke off waits for its next try. */
    boolean retrying() {
        return queue.retrying();
    }

    /**
     * Reads at most the budget of records: of the key groups being restored, else of the standby copies.
     *
     * @return the key groups whose restore this step completed, often none
     */
    java.util.List<Integer> step(int budget) {
        if (queue.isEmpty()) {
            if (standbys != null) {
                try {
                    standbys.step(budget);
                } catch (dev.tributary.runtime.internal.output.OutputException e) {
                    // A warm copy is an optimisation: it is read again in the next cycle.
                    LOG.debug("Instance '{}': standby copy not updated: {}", instanceId, e.getMessage());
                    standbys.abandonCurrent();
                }
            }
            return java.util.List.of();
        }
        java.util.List<RestoreQueue.Restored> finished = queue.step(budget);
        java.util.List<Integer> groups = new java.util.ArrayList<>(finished.size());
        for (RestoreQueue.Restored done : finished) {
            if (done.records() > 0) {
                long nanos = done.nanos();
                LOG.info("Instance '{}' restored key group {}: {} changelog records in {} ms ({} records/s)", instanceId,
                        done.group(), done.records(), nanos / 1_000_000,
                        nanos == 0 ? 0 : done.records() * 1_000_000_000L / nanos);
            }
            groups.add(done.group());
        }
        return groups;
    }

    /** Standby copies follow the assignment: of this instance's second choices, never of a key group it holds. */
    void keepStandbys(BitSet secondChoices, BitSet held) {
        if (standbys != null) {
            BitSet wanted = (BitSet) secondChoices.clone();
            wanted.andNot(held);
            standbys.keep(wanted);
        }
    }

    /** How many of these key groups have a standby copy here, for the log; empty without standbys. */
    String standbyShare(BitSet groups) {
        if (standbys == null) {
            return "";
        }
        BitSet both = (BitSet) groups.clone();
        both.and(standbys.groups());
        return " (standby copies of " + both.cardinality() + " of them)";
    }

    void close() {
        queue.close();
        if (standbys != null) {
            standbys.close();
        }
    }
}
