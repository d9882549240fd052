package dev.tributary.runtime.internal.input;

import dev.tributary.dsl.StartPosition;
import dev.tributary.dsl.plan.Schemas;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import dev.tributary.runtime.internal.pulsar.SchemaMismatch;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.ConsumerBuilder;
import org.apache.pulsar.client.api.KeySharedPolicy;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Range;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.common.naming.TopicName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Prepares the job's subscription on each input topic, then subscribes to it. */
public final class InputSubscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(InputSubscriptions.class);

    private InputSubscriptions() {
    }

    /**
     * Checks that input topics exist, and positions the subscription where a timestamp start or a
     * replay asks, before any consumer connects (moving a cursor disconnects its consumers).
     */
    public static void prepare(PulsarAdmin admin, List<SourceSpec> sources, String subscription,
                               boolean requireExisting, Instant replayFrom) {
        for (SourceSpec source : sources) {
            for (String topic : source.topics()) {
                try {
                    if (source.internal()) {
                        createIfMissing(admin, topic);
                    } else if (requireExisting && TopicNames.isPersistent(topic) && !exists(admin, topic)) {
                        throw new JobStartException("input topic '" + topic + "' of source '" + source.name()
                                + "' does not exist; create it, or set input.topics.must.exist=false to let the"
                                + " broker create it", null);
                    }
                    // Internal topics are not rewound: replayed input writes to them again.
                    if (replayFrom != null && !source.internal()) {
                        ensureSubscription(admin, topic, subscription);
                        admin.topics().resetCursor(topic, subscription, replayFrom.toEpochMilli());
                        LOG.info("Replaying topic {} from {} on subscription {}", topic, replayFrom, subscription);
                    } else if (source.startPosition().kind() == StartPosition.Kind.TIMESTAMP
                            && !hasSubscription(admin, topic, subscription)) {
                        ensureSubscription(admin, topic, subscription);
                        admin.topics().resetCursor(topic, subscription, source.startPosition().timestamp().toEpochMilli());
                        LOG.info("New subscription {} on {} starts at {}", subscription, topic,
                                source.startPosition().timestamp());
                    }
                } catch (PulsarAdminException e) {
                    throw new JobStartException("cannot prepare subscription '" + subscription + "' on input topic '"
                            + topic + "' of source '" + source.name() + "': " + PulsarErrors.reason(e), e);
                }
            }
        }
    }

    private static boolean exists(PulsarAdmin admin, String topic) throws PulsarAdminException {
        TopicName name = TopicName.get(topic);
        String namespace = name.getNamespace();
        if (admin.topics().getPartitionedTopicList(namespace).contains(name.getPartitionedTopicName())) {
            return true;
        }
        return admin.topics().getList(namespace).contains(name.toString());
    }

    private static void createIfMissing(PulsarAdmin admin, String topic) throws PulsarAdminException {
        if (!exists(admin, topic)) {
            try {
                admin.topics().createNonPartitionedTopic(topic);
                LOG.info("Created internal topic {}", topic);
            } catch (PulsarAdminException.ConflictException raced) {
                // Another instance created it first.
            }
        }
    }

    private static boolean hasSubscription(PulsarAdmin admin, String topic, String subscription)
            throws PulsarAdminException {
        try {
            return admin.topics().getSubscriptions(topic).contains(subscription);
        } catch (PulsarAdminException.NotFoundException e) {
            return false;
        }
    }

    private static void ensureSubscription(PulsarAdmin admin, String topic, String subscription)
            throws PulsarAdminException {
        if (!hasSubscription(admin, topic, subscription)) {
            try {
                admin.topics().createSubscription(topic, subscription, MessageId.earliest);
            } catch (PulsarAdminException.ConflictException alreadyThere) {
                // Another instance created it between our check and this call: that is what we wanted.
            }
        }
    }

    /**
     * A source's consumer, declaring the hash ranges of the given key groups on Key_Shared.
     *
     * @param paused whether it starts without fetching (a key group being restored holds its ranges, and
     *     so its records, without receiving them yet)
     */
    public static ConsumerBuilder<Object> builder(PulsarClient client, SourceSpec source, String subscription,
                                                  String consumerName, List<Range> ranges, int receiverQueueSize,
                                                  boolean paused) {
        ConsumerBuilder<Object> builder = client.newConsumer(source.valueSchema())
                .topics(source.topics())
                .subscriptionName(subscription)
                .consumerName(consumerName)
                .subscriptionType(source.subscriptionType())
                .subscriptionInitialPosition(source.startPosition().kind() == StartPosition.Kind.LATEST
                        ? SubscriptionInitialPosition.Latest : SubscriptionInitialPosition.Earliest)
                .receiverQueueSize(receiverQueueSize)
                .startPaused(paused)
                // Acks are sent by the commit, as one grouped command; no timer-driven flushes in between.
                .acknowledgmentGroupTime(0, TimeUnit.MILLISECONDS);
        if (source.subscriptionType() == SubscriptionType.Key_Shared) {
            builder.keySharedPolicy(KeySharedPolicy.stickyHashRange().ranges(ranges.toArray(new Range[0])));
        }
        return builder;
    }

    /**
     * A source split into one source per topic partition (a non-partitioned topic stays whole), so that
     * each partition is read by a consumer, and buffered in a queue, of its own. Partitions added while
     * the job runs are read after its next start.
     */
    public static List<SourceSpec> perPartition(PulsarAdmin admin, SourceSpec source) {
        List<SourceSpec> parts = new java.util.ArrayList<>();
        for (String topic : source.topics()) {
            int partitions;
            try {
                partitions = admin.topics().getPartitionedTopicMetadata(topic).partitions;
            } catch (PulsarAdminException e) {
                throw new JobStartException("cannot read the partitions of input topic '" + topic + "' of source '"
                        + source.name() + "': " + PulsarErrors.reason(e), e);
            }
            if (partitions <= 0) {
                parts.add(source.withTopics(List.of(topic)));
            } else {
                for (int i = 0; i < partitions; i++) {
                    parts.add(source.withTopics(List.of(TopicName.get(topic).getPartition(i).toString())));
                }
            }
        }
        return parts;
    }

    /** Whether a subscribe failed because another consumer holds some of the ranges. */
    public static boolean rangesTaken(Throwable error) {
        return PulsarErrors.unwrap(error) instanceof PulsarClientException.ConsumerAssignException
                || String.valueOf(PulsarErrors.unwrap(error).getMessage()).contains("Range conflict");
    }

    /** Explains a subscribe failure that is not a range conflict: a refused schema, a missing topic. */
    public static JobStartException explain(PulsarAdmin admin, SourceSpec source, String subscription, Throwable e) {
        String topics = String.join(", ", source.topics());
        if (SchemaMismatch.isRefusal(e)) {
            return new JobStartException("source '" + source.name() + "' cannot read: "
                    + SchemaMismatch.explain(admin, source.topics().get(0), source.valueSchema(),
                    "source '" + source.name() + "'", e), e);
        }
        return new JobStartException("source '" + source.name() + "' cannot subscribe '" + subscription + "' ("
                + source.subscriptionType() + ", value " + Schemas.describe(source.valueSchema()) + ") to " + topics
                + ": " + PulsarErrors.reason(e), e);
    }

    /** Subscribes a source's consumer, declaring the hash ranges of the owned key groups on Key_Shared. */
    public static Consumer<Object> subscribe(PulsarClient client, PulsarAdmin admin, SourceSpec source,
                                             String subscription, String consumerName, List<Range> ranges,
                                             int receiverQueueSize) {
        try {
            return builder(client, source, subscription, consumerName, ranges, receiverQueueSize, false).subscribe();
        } catch (Exception e) {
            throw explain(admin, source, subscription, e);
        }
    }
}
