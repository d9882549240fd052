package dev.tributary.runtime.internal.ops;

import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
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
 * and loads them again. Seen on Pulsar 4.0.7 under exactly-once: when a transaction that
 * acknowledged messages aborts after the consumer that received them is gone (an instance paused
 * past its membership timeout, whose transaction the broker then times out), the messages return
 * neither to the replay queue nor to any consumer. The subscription then shows a backlog, no message
 * unacknowledged or in replay, consumers with permits, and nothing dispatched, for good; a topic
 * loaded again reads from the acknowledged position and dispatches them.
 *
 * <p>A partition counts as stalled once that state has lasted the given time, which must exceed the
 * transaction timeout: the messages a live transaction acknowledged look the same until it ends.
 * Loading a topic again disconnects its consumers, so every instance reading it drops its
 * uncommitted work and claims its key groups again.
 */
final class StalledDispatch {
    private record Seen(long backlog, long dispatched, long sinceNanos) {
    }

    private final PulsarAdmin admin;
    private final String subscription;
    private final long afterNanos;
    private final TaskMetrics metrics;
    private final Map<String, Seen> seen = new HashMap<>();

    StalledDispatch(PulsarAdmin admin, String subscription, Duration after, TaskMetrics metrics) {
        this.admin = admin;
        this.subscription = subscription;
        this.afterNanos = after.toNanos();
        this.metrics = metrics;
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
                seen.put(partition, new Seen(sub.getMsgBacklog(), sub.getMsgOutCounter(), now));
            } else if (now - last.sinceNanos >= afterNanos) {
                seen.remove(partition);
                metrics.dispatchStalled(partition);
                PulsarErrors.unloadStuckTopic(admin, partition, "held " + sub.getMsgBacklog() + " message(s) of"
                        + " subscription '" + subscription + "' that it dispatched to no consumer for "
                        + Duration.ofNanos(now - last.sinceNanos).toSeconds() + " s (messages of an aborted"
                        + " transaction whose consumer had gone)");
            }
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
