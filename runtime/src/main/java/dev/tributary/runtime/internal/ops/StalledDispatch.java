package dev.tributary.runtime.internal.ops;

import dev.tributary.runtime.internal.metrics.TaskMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.naming.TopicName;
import org.apache.pulsar.common.policies.data.ConsumerStats;
import org.apache.pulsar.common.policies.data.SubscriptionStats;

/**
 * Finds input partitions whose subscription holds messages that the broker no longer dispatches,
 * and says so. Seen on Pulsar 4.0.7 under exactly-once, after a paused instance's transaction that
 * acknowledged messages was aborted by the broker once the consumers that received them were gone:
 * the subscription then shows a backlog, no message unacknowledged or in replay, consumers with
 * permits, and nothing dispatched, for good. Nothing is lost (the messages stay unacknowledged), but
 * nothing more is processed for their keys.
 *
 * <p>A partition counts as stalled once that state has lasted the given time, which must exceed the
 * transaction timeout: the messages a live transaction acknowledged look the same until it ends.
 * Loading the partition again dispatches the messages. With the redelivery guard on, the job unloads
 * it itself: loading a partition can also bring back messages whose acknowledgement a committed
 * transaction held (the broker forgets some, see docs/GUARANTEES.md), and the guard skips those,
 * where without it one of two tries had a duplicate output.
 */
final class StalledDispatch {
    private record Seen(long backlog, long dispatched, long sinceNanos, boolean reported) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StalledDispatch.class);

    private final PulsarAdmin admin;
    private final String subscription;
    private final long afterNanos;
    private final TaskMetrics metrics;
    /** Whether a stalled partition is unloaded, rather than only reported. */
    private final boolean unload;
    private final Map<String, Seen> seen = new HashMap<>();
    /** Per partition, how often it was unloaded and when it may be again: what an unload did not clear waits longer. */
    private final Map<String, long[]> unloaded = new HashMap<>();

    StalledDispatch(PulsarAdmin admin, String subscription, Duration after, TaskMetrics metrics, boolean unload) {
        this.admin = admin;
        this.subscription = subscription;
        this.afterNanos = after.toNanos();
        this.metrics = metrics;
        this.unload = unload;
    }

    /** Looks at each partition of an input topic once. */
    void check(String topic) throws Exception {
        for (String partition : partitions(topic)) {
            SubscriptionStats sub = admin.topics().getStats(partition).getSubscriptions().get(subscription);
            if (sub == null || !stuck(sub)) {
                seen.remove(partition);
                continue;
            }
            long now = System.nanoTime();
            Seen last = seen.get(partition);
            if (last == null || last.backlog != sub.getMsgBacklog() || last.dispatched != sub.getMsgOutCounter()) {
                seen.put(partition, new Seen(sub.getMsgBacklog(), sub.getMsgOutCounter(), now, false));
            } else if (!last.reported && now - last.sinceNanos >= afterNanos) {
                seen.put(partition, new Seen(last.backlog, last.dispatched, last.sinceNanos, true));
                metrics.dispatchStalled(partition);
                long[] before = unloaded.get(partition);
                if (unload && (before == null || now >= before[1])) {
                    unload(partition, sub.getMsgBacklog(), now - last.sinceNanos);
                    continue;
                }
                LOG.warn("Topic '{}' holds {} message(s) of subscription '{}' that it has dispatched to no consumer for"
                        + " {} s (a Pulsar 4.0.7 fault after a transaction that acknowledged them aborted when their"
                        + " consumer had gone); they stay unacknowledged. 'pulsar-admin topics unload {}' dispatches"
                        + " them again; see docs/GUARANTEES.md before doing so under exactly-once", partition,
                        sub.getMsgBacklog(), subscription, Duration.ofNanos(now - last.sinceNanos).toSeconds(), partition);
            }
        }
    }

    private void unload(String partition, long backlog, long stalledNanos) {
        LOG.warn("Topic '{}' holds {} message(s) of subscription '{}' that it has dispatched to no consumer for {} s (a"
                + " Pulsar 4.0.7 fault after a transaction that acknowledged them aborted when their consumer had gone);"
                + " unloading it so that the broker dispatches them again (the redelivery guard skips any whose"
                + " processing was committed)", partition, backlog, subscription,
                Duration.ofNanos(stalledNanos).toSeconds());
        try {
            admin.topics().unload(partition);
            metrics.dispatchUnloaded(partition);
            // Unloading drops the partition's consumers, which the job answers by claiming again: if the
            // state comes back, each further unload waits twice as long (reported meanwhile), at most a day.
            long[] times = unloaded.computeIfAbsent(partition, p -> new long[2]);
            times[0]++;
            times[1] = System.nanoTime() + Math.min(afterNanos << Math.min(times[0], 20), 86_400_000_000_000L);
            seen.remove(partition);
        } catch (Exception e) {
            LOG.warn("Cannot unload topic '{}' ({}); 'pulsar-admin topics unload {}' dispatches its held messages",
                    partition, e.getMessage(), partition);
        }
    }

    /** A backlog, nothing unacknowledged, delayed or in replay, and a consumer asking for messages. */
    static boolean stuck(SubscriptionStats sub) {
        if (sub.getMsgBacklog() == 0 || sub.getUnackedMessages() > 0 || sub.getMsgInReplay() > 0
                || sub.getMsgDelayed() > 0 || sub.getConsumers().isEmpty()) {
            return false;
        }
        for (ConsumerStats consumer : sub.getConsumers()) {
            if (consumer.getAvailablePermits() > 0) {
                return true;
            }
        }
        return false;
    }

    private List<String> partitions(String topic) throws Exception {
        if (TopicName.get(topic).isPartitioned()) {
            return List.of(topic);
        }
        int count = admin.topics().getPartitionedTopicMetadata(topic).partitions;
        if (count == 0) {
            return List.of(topic);
        }
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(TopicName.get(topic).getPartition(i).toString());
        }
        return names;
    }
}
