package dev.tributary.runtime.internal.ops;

import dev.tributary.runtime.internal.metrics.TaskMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.naming.TopicName;
import org.apache.pulsar.common.policies.data.SubscriptionStats;
import org.apache.pulsar.common.policies.data.TopicStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the job subscription's backlog on every input topic through the admin API at an interval and
 * publishes it as {@code tributary.input.backlog}: the number an autoscaler should scale on. The
 * broker counts entries (batches), not records.
 */
public final class BacklogPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BacklogPoller.class);

    private final ScheduledExecutorService executor;

    private BacklogPoller(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /**
     * @param stalledAfter under exactly-once, how long an input partition may hold messages it dispatches
     *     to nobody before that is reported ({@link StalledDispatch}), or null not to look
     * @param unloadStalled whether such a partition is also unloaded, so that the broker dispatches its messages again
     */
    public static BacklogPoller start(PulsarAdmin admin, List<String> topics, String subscription, TaskMetrics metrics,
                                      Duration interval, Duration stalledAfter, boolean unloadStalled) {
        StalledDispatch stalls = stalledAfter == null ? null
                : new StalledDispatch(admin, subscription, stalledAfter, metrics, unloadStalled);
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tributary-backlog");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> {
            for (String topic : topics) {
                try {
                    metrics.gauge(TaskMetrics.BACKLOG, "topic", topic, "subscription", subscription)
                            .set(backlog(admin, topic, subscription));
                } catch (Exception e) {
                    LOG.debug("cannot read the backlog of {} on {}: {}", subscription, topic, e.toString());
                }
                if (stalls != null) {
                    try {
                        stalls.check(topic);
                    } catch (Exception e) {
                        LOG.debug("cannot read the dispatch state of {} on {}: {}", subscription, topic, e.toString());
                    }
                }
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return new BacklogPoller(executor);
    }

    private static long backlog(PulsarAdmin admin, String topic, String subscription) throws Exception {
        TopicStats stats;
        if (TopicName.get(topic).isPartitioned()
                || admin.topics().getPartitionedTopicMetadata(topic).partitions == 0) {
            stats = admin.topics().getStats(topic);
        } else {
            stats = admin.topics().getPartitionedStats(topic, false);
        }
        SubscriptionStats sub = stats.getSubscriptions().get(subscription);
        return sub == null ? 0 : sub.getMsgBacklog();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
