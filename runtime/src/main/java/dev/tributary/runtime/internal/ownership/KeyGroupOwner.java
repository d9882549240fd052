package dev.tributary.runtime.internal.ownership;

import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.changelog.PulsarChangelog;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.input.Input;
import dev.tributary.runtime.internal.input.InputSubscriptions;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.pulsar.PulsarConnections;
import dev.tributary.runtime.internal.state.TaskState;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.SubscriptionType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the key groups this instance is assigned, on the task's thread. A key group moves in two
 * halves. The old owner commits what it has done, then closes the consumers holding the group's
 * hash ranges, which frees them. The new owner claims the ranges by subscribing with them, paused:
 * the broker accepts that only once no one else holds them, so the old owner's last changelog writes
 * are durable by then. It then opens the group's changelog producers exclusively (fencing any
 * zombie), restores the group's state while its other groups keep flowing, and only then processes
 * the group's records.
 *
 * <p>A segment's consumers fetch once the first of its key groups is restored; records of its key
 * groups still restoring wait in the task ({@link #restoring(int)}) until theirs is done, so each key
 * group starts as soon as its own restore ends, even among the many claimed together at start.
 *
 * <p>The consumers holding a set of key groups are a {@link Segment}; sources without ranges are
 * {@link UnrangedSources}.
 */
public final class KeyGroupOwner {
    private static final Logger LOG = LoggerFactory.getLogger(KeyGroupOwner.class);
    private static final int RESTORE_BUDGET = 5_000;

    private final PulsarClient client;
    private final PulsarAdmin admin;
    private final KeyGroups keyGroups;
    private final List<SourceSpec> ranged = new ArrayList<>();
    private final UnrangedSources unranged;
    private final TaskCore core;
    private final String subscription;
    private final String instanceId;
    private final OwnershipSettings settings;
    private final PulsarChangelog changelog;
    private final TaskState state;
    private final TaskMetrics metrics;
    private final Membership membership;
    private final Map<String, long[]> received = new HashMap<>();
    private final List<Segment> segments = new ArrayList<>();
    private final BitSet active = new BitSet();
    /** A copy of {@link #active} as last published, for readers on other threads (the job page). */
    private volatile BitSet processing = new BitSet();
    /** Records restored so far per key group being read, for the job page; refreshed at most ten times a second. */
    private volatile Map<Integer, Long> restoreProgress = Map.of();
    private boolean restoreProgressed;
    private long nextProgress;
    private final BitSet restoring = new BitSet();
    private final PendingClaims pending;
    private final Restores restores;
    private long seenVersion = -1;
    private boolean ownsAll;
    private List<Input> inputs = List.of();
    /** Key groups found leaving by a reconcile, released once the task has committed. */
    private final BitSet leaving = new BitSet();

    /**
     * @param sources the job's sources; forwards the forward topic of each, read through the same ranges
     * @param changelog the job's changelogs, or null when no store is logged
     */
    public KeyGroupOwner(PulsarConnections connections, List<SourceSpec> sources, List<SourceSpec> forwards,
                         TaskCore core, String subscription, String instanceId, OwnershipSettings settings,
                         PulsarChangelog changelog, TaskMetrics metrics, Membership membership, KeyGroups keyGroups,
                         boolean perPartition) {
        this.client = connections.client();
        this.admin = connections.admin();
        this.keyGroups = keyGroups;
        this.core = core;
        this.subscription = subscription;
        this.instanceId = instanceId;
        this.settings = settings;
        this.changelog = changelog;
        this.state = core.state();
        this.metrics = metrics;
        this.membership = membership;
        this.restores = new Restores(instanceId, changelog, state, metrics, keyGroups.count(), settings);
        state.locate(group -> {
            String owner = membership.ownerOf(group);
            if (owner == null) {
                return "has no owner yet";
            }
            return owner.equals(instanceId) ? "is assigned to this instance ('" + instanceId + "') but is still being"
                    + " claimed or restored" : "runs on instance '" + owner + "'";
        });
        for (SourceSpec source : sources) {
            received.put(source.name(), new long[1]);
            metrics.recordsIn(source.name(), String.join(",", source.topics()), received.get(source.name()), c -> c[0]);
            if (source.subscriptionType() == SubscriptionType.Key_Shared) {
                // Read in time order, each partition needs a queue of its own.
                ranged.addAll(perPartition ? InputSubscriptions.perPartition(admin, source) : List.of(source));
            }
        }
        // Records of a source's key groups that reached another instance arrive on its forward topic.
        ranged.addAll(forwards);
        this.pending = new PendingClaims(client, ranged, subscription, instanceId, keyGroups,
                settings.receiverQueueSize());
        this.unranged = new UnrangedSources(client, admin, core, subscription, instanceId, settings.receiverQueueSize(),
                received, sources.stream().filter(source -> source.subscriptionType() != SubscriptionType.Key_Shared)
                .toList());
    }

    /**
     * At start: claims every assigned key group at once, so that subscription errors surface to the
     * caller, and returns with their restores begun: {@link #tick()} goes on with them, and each key
     * group processes once its own is done. Groups whose ranges another instance still holds are left
     * to {@link #tick()} too.
     */
    public OwnershipChange start() {
        seenVersion = membership.version();
        BitSet target = membership.target();
        updateStandby(target);
        if (target.isEmpty()) {
            return publish();
        }
        Claim claim = pending.claimNow(target);
        claim.await(settings.operationTimeout());
        if (!claim.done()) {
            // A broker slow to answer is waited for, as the claims of a running job are, rather than a reason to exit.
            claim.close();
            LOG.warn("Instance '{}': the broker did not answer the subscriptions claiming its {} key groups within"
                    + " pulsar.operation.timeout ({}); the job starts and claims them again in the background", instanceId,
                    target.cardinality(), settings.operationTimeout());
            pending.want(target, false);
            return publish();
        }
        Throwable error = claim.error();
        if (error != null) {
            claim.close();
            if (!InputSubscriptions.rangesTaken(error)) {
                throw InputSubscriptions.explain(admin, claim.failedSource(), subscription, error);
            }
            LOG.info("Instance '{}': some of its key groups are still held by another instance; claiming them one by"
                    + " one as they are released", instanceId);
            pending.want(target, false);
            return publish();
        }
        return OwnershipChange.INPUTS.and(claimed(claim)).and(restoreStep(RESTORE_BUDGET));
    }

    /** Whether the broker dropped any of the consumers holding this instance's key groups. */
    public boolean anyLeaseLost() {
        for (Segment segment : segments) {
            if (segment.leaseLost()) {
                return true;
            }
        }
        return false;
    }

    /** One turn of the task's loop: follow assignment changes, complete claims, restore a little. */
    public OwnershipChange tick() {
        if (anyLeaseLost()) {
            return leaseLost("the broker dropped the consumers holding some of its key groups (a pause or a lost"
                    + " connection); another instance may have taken them");
        }
        OwnershipChange change = OwnershipChange.NONE;
        long version = membership.version();
        if (version != seenVersion && leaving.isEmpty()) {
            seenVersion = version;
            change = reconcile(membership.target());
        }
        for (Claim claim : pending.step()) {
            change = change.and(claimed(claim));
        }
        if (unranged.tick()) {
            change = change.and(publish());
        }
        change = change.and(restoreStep(RESTORE_BUDGET));
        return change;
    }

    private void updateStandby(BitSet held) {
        restores.keepStandbys(membership.standby(), held);
    }

    private OwnershipChange reconcile(BitSet target) {
        BitSet held = held();
        BitSet lost = (BitSet) held.clone();
        lost.andNot(target);
        BitSet gained = (BitSet) target.clone();
        gained.andNot(held);
        leaving.or(lost);
        if (!gained.isEmpty()) {
            LOG.info("Instance '{}' claims key groups {}{}", instanceId, gained, restores.standbyShare(gained));
            pending.want(gained, true);
        }
        updateStandby(held());
        return leaving.isEmpty() ? OwnershipChange.NONE : OwnershipChange.RELEASE;
    }

    /** Every key group this instance holds or is trying to hold. */
    private BitSet held() {
        BitSet held = new BitSet();
        held.or(active);
        held.or(restoring);
        held.or(pending.groups());
        return held;
    }

    /**
     * Lets go of the key groups a reconcile found leaving, once the task has committed what it did with
     * them: their ranges and changelogs are free for the new owner.
     */
    public OwnershipChange release() {
        if (leaving.isEmpty()) {
            // The commit before it lost the lease, which let go of everything already.
            return OwnershipChange.NONE;
        }
        BitSet lost = (BitSet) leaving.clone();
        leaving.clear();
        long began = System.nanoTime();
        BitSet reopen = new BitSet();
        for (Segment segment : new ArrayList<>(segments)) {
            if (!segment.groups.intersects(lost)) {
                continue;
            }
            segment.close();
            segments.remove(segment);
            BitSet keep = (BitSet) segment.groups.clone();
            keep.andNot(lost);
            BitSet unrestored = (BitSet) keep.clone();
            unrestored.and(segment.unrestored);
            keep.andNot(unrestored);
            reopen.or(keep);
            if (!unrestored.isEmpty()) {
                // Its restore starts over (reading again what was read is harmless: values are absolute).
                pending.want(unrestored, false);
                restoring.andNot(unrestored);
                restores.cancel(unrestored);
            }
        }
        pending.drop(lost);
        restores.cancel(lost);
        restoring.andNot(lost);
        active.andNot(lost);
        active.andNot(reopen);
        state.disown(lost);
        state.disown(reopen);
        if (changelog != null) {
            changelog.closeProducers(lost);
        }
        if (!reopen.isEmpty()) {
            // Still ours and restored: held again at once, without a restore.
            Claim claim = pending.claimNow(reopen);
            claim.await(settings.operationTimeout());
            if (claim.error() == null) {
                Segment segment = segment(claim);
                segment.unrestored.clear();
                activate(segment);
            } else {
                claim.close();
                if (changelog != null) {
                    changelog.closeProducers(reopen);
                }
                pending.want(reopen, false);
            }
        }
        metrics.handover("release").record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        LOG.info("Instance '{}' released key groups {} in {} ms", instanceId, lost,
                (System.nanoTime() - began) / 1_000_000);
        updateStandby(held());
        return new OwnershipChange(false, false, true, true).and(publish());
    }

    /**
     * The broker let go of this instance's consumers, so another instance may have run its key groups
     * meanwhile: everything not committed is dropped, key groups with unconfirmed state changes are
     * rebuilt in full, and all are claimed again (the others restore only what changed since).
     */
    public OwnershipChange leaseLost(String reason) {
        metrics.leaseLost();
        BitSet held = new BitSet();
        held.or(active);
        held.or(restoring);
        LOG.warn("Instance '{}': {}; dropping uncommitted work and claiming key groups {} again", instanceId, reason,
                held);
        segments.forEach(Segment::close);
        segments.clear();
        held.or(pending.cancelAll());
        unranged.resubscribe();
        held.or(leaving);
        leaving.clear();
        restores.cancel(held);
        if (changelog != null) {
            BitSet unflushed = changelog.unflushed();
            unflushed.and(held);
            for (int group = unflushed.nextSetBit(0); group >= 0; group = unflushed.nextSetBit(group + 1)) {
                changelog.forget(group);
            }
            changelog.closeProducers(held);
        }
        state.discardCaches();
        state.disown(held);
        active.clear();
        restoring.clear();
        held.and(membership.target());
        pending.want(held, true);
        return new OwnershipChange(true, false, true, true).and(publish());
    }

    /** The ranges are held: fence the changelogs and start restoring, or run at once with nothing to restore. */
    private OwnershipChange claimed(Claim claim) {
        Segment segment = segment(claim);
        try {
            if (changelog != null) {
                changelog.openProducers(claim.groups);
            }
        } catch (JobStartException e) {
            LOG.warn("Instance '{}': {}; trying again", instanceId, e.getMessage());
            segment.close();
            pending.want(claim.groups, false);
            return OwnershipChange.NONE;
        }
        state.openKeyGroups(claim.groups);
        if (changelog == null) {
            segment.unrestored.clear();
            return activate(segment);
        }
        segments.add(segment);
        restoring.or(claim.groups);
        for (int group = claim.groups.nextSetBit(0); group >= 0; group = claim.groups.nextSetBit(group + 1)) {
            restores.add(group);
        }
        return OwnershipChange.NONE;
    }

    private Segment segment(Claim claim) {
        return Segment.of(claim, core, received);
    }

    private OwnershipChange restoreStep(int budget) {
        OwnershipChange change = OwnershipChange.NONE;
        java.util.List<Integer> finished = restores.step(budget);
        for (int group : finished) {
            change = change.and(restored(group));
        }
        restoreProgressed = !finished.isEmpty() || restores.progressed();
        long now = System.nanoTime();
        if (now >= nextProgress && (!restoring.isEmpty() || !restoreProgress.isEmpty())) {
            nextProgress = now + 100_000_000L;
            restoreProgress = restoring.isEmpty() ? Map.of() : Map.copyOf(restores.progress());
        }
        return change;
    }

    /** A key group's restore is done: it processes from now on, and its segment fetches if it did not yet. */
    private OwnershipChange restored(int group) {
        for (Segment segment : segments) {
            if (segment.groups.get(group)) {
                segment.unrestored.clear(group);
                if (segment.unrestored.isEmpty()) {
                    metrics.handover("claim").record(System.nanoTime() - segment.claimedNanos, TimeUnit.NANOSECONDS);
                }
                state.own(group);
                active.set(group);
                restoring.clear(group);
                if (!segment.fetching && (!settings.wholeSegments() || segment.unrestored.isEmpty())) {
                    // The first of its key groups is ready: the others' records wait in the task meanwhile.
                    // Under exactly-once the last one instead: a restore that waits for a previous owner's
                    // transaction means that transaction may hold some of the group's input back, and the
                    // group's later input must not be fetched ahead of it (the held input would come back behind).
                    segment.fetching = true;
                    segment.inputs.forEach(Input::resume);
                }
                return publish();
            }
        }
        return OwnershipChange.NONE;
    }

    private OwnershipChange activate(Segment segment) {
        if (!segments.contains(segment)) {
            segments.add(segment);
        }
        for (int group = segment.groups.nextSetBit(0); group >= 0; group = segment.groups.nextSetBit(group + 1)) {
            state.own(group);
        }
        active.or(segment.groups);
        restoring.andNot(segment.groups);
        segment.fetching = true;
        segment.inputs.forEach(Input::resume);
        return publish();
    }

    private OwnershipChange publish() {
        ownsAll = active.cardinality() == keyGroups.count();
        processing = (BitSet) active.clone();
        List<Input> now = new ArrayList<>(unranged.inputs());
        for (Segment segment : segments) {
            if (segment.fetching) {
                now.addAll(segment.inputs);
            }
        }
        inputs = List.copyOf(now);
        metrics.gauge(TaskMetrics.KEY_GROUPS_OWNED).set(active.cardinality());
        metrics.gauge(TaskMetrics.KEY_GROUPS_RESTORING).set(pending());
        return OwnershipChange.INPUTS;
    }

    /** The inputs to poll: the consumers of every key group that runs here, and of sources without ranges. */
    public List<Input> inputs() {
        return inputs;
    }

    /**
     * Whether a key group is claimed here and still being restored: its records, fetched with those
     * of its segment's key groups that run, wait until it is done.
     */
    public boolean restoring(int group) {
        return restoring.get(group);
    }

    /** Whether some key group claimed here is still being restored. */
    public boolean restoring() {
        return !restoring.isEmpty();
    }

    /** Whether the last turn's restore step read or finished anything (else its readers wait for the broker). */
    public boolean restoreProgressed() {
        return restoreProgressed;
    }

    /** Whether a key group's records are processed here now. */
    public boolean runs(int group) {
        return ownsAll || active.get(group);
    }

    public boolean ownsAll() {
        return ownsAll;
    }

    /** Key groups assigned here that are not processing yet. */
    /** @return the key groups processing here as last published; safe from any thread */
    public BitSet processing() {
        return (BitSet) processing.clone();
    }

    /** Changelog records restored so far by each key group being read now, as of at most 100 ms ago. */
    public Map<Integer, Long> restoreProgress() {
        return restoreProgress;
    }

    public int pending() {
        return restoring.cardinality() + pending.count();
    }

    /** Lets go of everything, after the task's last commit: the ranges are free for the others at once. */
    public void close() {
        segments.forEach(Segment::close);
        segments.clear();
        pending.close();
        unranged.close();
        restores.close();
    }
}
