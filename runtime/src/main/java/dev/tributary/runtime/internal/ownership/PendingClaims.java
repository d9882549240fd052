package dev.tributary.runtime.internal.ownership;

import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.input.InputSubscriptions;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.PulsarClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key groups this instance wants but does not hold yet: those waiting for their next claim (the
 * ranges are still another instance's, or the last try failed) and the claims under way. Wanted key
 * groups are claimed one per claim, so each becomes ready on its own; a refused claim is tried again
 * every 250 ms, and one left unanswered for 5 s is given up and tried again.
 */
final class PendingClaims {
    private static final Logger LOG = LoggerFactory.getLogger(PendingClaims.class);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /**
     * A claim still unanswered after this is given up and tried again. Seen on a partitioned input: a
     * subscription refused on some partitions (the ranges were still the other instance's) was never
     * answered at all, and the key group stayed unclaimed after the other had let it go.
     */
    static final long UNANSWERED_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * A key group refused this long because another consumer still holds its ranges is named in a
     * warning (then at most every this often): a range conflict is the normal answer during a hand-over,
     * but one that lasts means the previous owner never let go, and the key group waits in silence.
     */
    static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final PulsarClient client;
    private final List<SourceSpec> ranged;
    private final String subscription;
    private final String instanceId;
    private final KeyGroups keyGroups;
    private final int receiverQueueSize;
    private final BitSet wanted = new BitSet();
    private final List<Claim> underWay = new ArrayList<>();
    private long nextClaimNanos;
    private int sequence;
    /** When each wanted key group was first wanted, for the warning about a claim refused for long. */
    private final java.util.Map<Integer, Long> wantedSince = new java.util.HashMap<>();
    private long lastStuckWarning;

    PendingClaims(PulsarClient client, List<SourceSpec> ranged, String subscription, String instanceId,
                  KeyGroups keyGroups, int receiverQueueSize) {
        this.client = client;
        this.ranged = ranged;
        this.subscription = subscription;
        this.instanceId = instanceId;
        this.keyGroups = keyGroups;
        this.receiverQueueSize = receiverQueueSize;
    }

    /** A claim of these key groups, started now, that the caller follows itself. */
    Claim claimNow(BitSet groups) {
        String suffix = "g" + groups.nextSetBit(0) + (groups.cardinality() > 1 ? "-" + (groups.length() - 1) : "")
                + "-" + (++sequence);
        return new Claim(client, groups, ranged, subscription, instanceId + "-" + suffix, keyGroups.ranges(groups),
                receiverQueueSize);
    }

    /**
     * Wants these key groups too.
     *
     * @param now whether to claim them at the next turn rather than after the retry interval
     */
    void want(BitSet groups, boolean now) {
        long at = System.nanoTime();
        groups.stream().forEach(group -> wantedSince.putIfAbsent(group, at));
        wanted.or(groups);
        if (now) {
            nextClaimNanos = 0;
        }
    }

    /** No longer wants these key groups; claims under way of any of them stop, the rest of theirs stays wanted. */
    void drop(BitSet groups) {
        for (Claim claim : new ArrayList<>(underWay)) {
            if (claim.groups.intersects(groups)) {
                claim.close();
                underWay.remove(claim);
                wanted.or(claim.groups);
            }
        }
        wanted.andNot(groups);
        groups.stream().forEach(wantedSince::remove);
    }

    /** Stops every claim; returns every key group that was wanted or being claimed. */
    BitSet cancelAll() {
        BitSet all = groups();
        close();
        wanted.clear();
        wantedSince.clear();
        return all;
    }

    /**
     * Starts the claims that are due and collects the ones that succeeded; failed ones are wanted again.
     *
     * @return the claims whose subscriptions the broker accepted
     */
    List<Claim> step() {
        List<Claim> accepted = new ArrayList<>();
        for (Claim claim : new ArrayList<>(underWay)) {
            if (!claim.done()) {
                if (System.nanoTime() - claim.startedNanos > UNANSWERED_NANOS) {
                    LOG.warn("Instance '{}': the claim of key groups {} was not answered in {} s; trying again",
                            instanceId, claim.groups, TimeUnit.NANOSECONDS.toSeconds(UNANSWERED_NANOS));
                    underWay.remove(claim);
                    claim.close();
                    wanted.or(claim.groups);
                }
                continue;
            }
            underWay.remove(claim);
            Throwable error = claim.error();
            if (error == null) {
                accepted.add(claim);
                claim.groups.stream().forEach(wantedSince::remove);
                continue;
            }
            claim.close();
            wanted.or(claim.groups);
            if (!InputSubscriptions.rangesTaken(error)) {
                LOG.warn("Instance '{}' cannot claim key groups {} yet: {}", instanceId, claim.groups,
                        PulsarErrors.reason(error));
            } else {
                warnIfStuck(claim.groups, error);
            }
        }
        if (!wanted.isEmpty() && System.nanoTime() >= nextClaimNanos) {
            for (int group = wanted.nextSetBit(0); group >= 0; group = wanted.nextSetBit(group + 1)) {
                BitSet one = new BitSet();
                one.set(group);
                underWay.add(claimNow(one));
            }
            wanted.clear();
            nextClaimNanos = System.nanoTime() + RETRY_NANOS;
        }
        return accepted;
    }

    private void warnIfStuck(BitSet groups, Throwable error) {
        long now = System.nanoTime();
        long since = groups.stream().mapToLong(g -> wantedSince.getOrDefault(g, now)).min().orElse(now);
        if (now - since < STUCK_NANOS || now - lastStuckWarning < STUCK_NANOS) {
            return;
        }
        lastStuckWarning = now;
        BitSet stuck = new BitSet();
        wantedSince.forEach((group, at) -> {
            if (now - at >= STUCK_NANOS) {
                stuck.set(group);
            }
        });
        LOG.warn("Instance '{}' has waited {} s for key groups {}: another consumer of the subscription still holds"
                        + " their hash ranges (the previous owner has not let them go; the broker says: {})", instanceId,
                TimeUnit.NANOSECONDS.toSeconds(now - since), stuck, PulsarErrors.reason(error));
    }

    /** Every key group wanted or being claimed. */
    BitSet groups() {
        BitSet all = (BitSet) wanted.clone();
        underWay.forEach(claim -> all.or(claim.groups));
        return all;
    }

    int count() {
        int count = wanted.cardinality();
        for (Claim claim : underWay) {
            count += claim.groups.cardinality();
        }
        return count;
    }

    void close() {
        underWay.forEach(Claim::close);
        underWay.clear();
    }
}
