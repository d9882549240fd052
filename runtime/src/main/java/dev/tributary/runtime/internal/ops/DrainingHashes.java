package dev.tributary.runtime.internal.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.naming.TopicName;
import org.apache.pulsar.common.policies.data.ConsumerStats;
import org.apache.pulsar.common.policies.data.PartitionedTopicStats;
import org.apache.pulsar.common.policies.data.SubscriptionStats;
import org.apache.pulsar.common.policies.data.TopicStats;

/**
 * The broker's side of held keys: the draining hashes that Pulsar 4's Key_Shared consumer stats
 * report for the job's subscription (hashes a consumer still holds unacknowledged messages of after
 * its ranges moved, which block their new owner). Read through the admin API when asked.
 */
public final class DrainingHashes {
    /** The hashes listed per consumer at most; the count is always whole. */
    static final int HASHES_PER_CONSUMER = 20;

    /** One draining hash: its unacknowledged messages and how often the dispatcher was blocked by it. */
    public record Hash(int hash, int unackedMessages, int blockedAttempts) {
    }

    /** One consumer of the subscription on one partition. */
    public record Consumer(String name, int drainingHashesCount, int drainingHashesUnackedMessages,
                           long drainingHashesClearedTotal, List<Hash> drainingHashes) {
    }

    /** One input partition: its consumers, or why the broker could not be asked. */
    public record Partition(String topic, List<Consumer> consumers, String error) {
    }

    private DrainingHashes() {
    }

    /** Asks the broker about every partition of the inputs; a partition that cannot be read says why. */
    public static List<Partition> read(PulsarAdmin admin, List<String> topics, String subscription) {
        List<Partition> partitions = new ArrayList<>();
        for (String topic : topics) {
            try {
                Map<String, TopicStats> byPartition = new TreeMap<>();
                if (TopicName.get(topic).isPartitioned()
                        || admin.topics().getPartitionedTopicMetadata(topic).partitions == 0) {
                    byPartition.put(TopicName.get(topic).toString(), admin.topics().getStats(topic));
                } else {
                    PartitionedTopicStats stats = admin.topics().getPartitionedStats(topic, true);
                    byPartition.putAll(stats.getPartitions());
                }
                byPartition.forEach((name, stats) -> partitions.add(new Partition(name,
                        consumers(stats.getSubscriptions().get(subscription)), null)));
            } catch (Exception e) {
                partitions.add(new Partition(topic, List.of(), "cannot read the topic's stats: "
                        + dev.tributary.runtime.internal.pulsar.PulsarErrors.reason(e)));
            }
        }
        return partitions;
    }

    private static List<Consumer> consumers(SubscriptionStats subscription) {
        if (subscription == null) {
            return List.of();
        }
        List<Consumer> consumers = new ArrayList<>();
        for (ConsumerStats consumer : subscription.getConsumers()) {
            List<Hash> hashes = new ArrayList<>();
            if (consumer.getDrainingHashes() != null) {
                consumer.getDrainingHashes().stream().limit(HASHES_PER_CONSUMER).forEach(hash ->
                        hashes.add(new Hash(hash.getHash(), hash.getUnackMsgs(), hash.getBlockedAttempts())));
            }
            consumers.add(new Consumer(consumer.getConsumerName(), consumer.getDrainingHashesCount(),
                    consumer.getDrainingHashesUnackedMessages(), consumer.getDrainingHashesClearedTotal(), hashes));
        }
        return consumers;
    }
}
