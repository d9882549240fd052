package dev.tributary.runtime.internal.input;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.api.transaction.Transaction;

/**
 * Remembers what a consumer delivered and is done with since the last commit, and acknowledges it
 * at commit: one grouped list-ack on Key_Shared (the broker refuses cumulative acks there), or one
 * cumulative ack per topic partition where the subscription gives each partition a single reader,
 * unless an earlier message of the input is still unresolved (held, retrying, being dead-lettered):
 * a cumulative ack would cover it, so those commits acknowledge message by message.
 */
abstract class AckTracker {
    /** Where acknowledgements go: a consumer, seen only as these two calls. */
    interface Acknowledger {
        CompletableFuture<Void> each(List<MessageId> ids);

        CompletableFuture<Void> cumulative(MessageId upTo);

        /** @param transaction the transaction the acknowledgements belong to, or null for plain ones */
        static Acknowledger of(Consumer<?> consumer, Transaction transaction) {
            return new Acknowledger() {
                @Override
                public CompletableFuture<Void> each(List<MessageId> ids) {
                    return transaction == null ? consumer.acknowledgeAsync(ids) : consumer.acknowledgeAsync(ids, transaction);
                }

                @Override
                public CompletableFuture<Void> cumulative(MessageId upTo) {
                    return transaction == null ? consumer.acknowledgeCumulativeAsync(upTo)
                            : consumer.acknowledgeCumulativeAsync(upTo, transaction);
                }
            };
        }
    }

    static AckTracker forType(SubscriptionType type) {
        return type == SubscriptionType.Failover || type == SubscriptionType.Exclusive
                ? new Cumulative() : new Grouped();
    }

    protected List<MessageId> ids = new ArrayList<>();

    void delivered(Message<?> message) {
        ids.add(message.getMessageId());
    }

    /** Messages the next commit acknowledges. */
    int pending() {
        return ids.size();
    }

    /** Forgets everything not acknowledged yet: it will be delivered again. */
    void clear() {
        ids.clear();
    }

    /** A message reported done must not be acknowledged after all: one of its outputs failed. */
    void withdraw(MessageId id) {
        ids.remove(id);
    }

    /**
     * Sends the acknowledgements; the future completes when the client has taken them.
     *
     * @param unresolvedBefore whether messages delivered earlier on this input are not done yet
     */
    abstract CompletableFuture<Void> commit(Acknowledger consumer, boolean unresolvedBefore);

    protected CompletableFuture<Void> ackEach(Acknowledger consumer) {
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<MessageId> batch = ids;
        ids = new ArrayList<>(batch.size());
        return consumer.each(batch);
    }

    private static final class Grouped extends AckTracker {
        @Override
        CompletableFuture<Void> commit(Acknowledger consumer, boolean unresolvedBefore) {
            return ackEach(consumer);
        }
    }

    private static final class Cumulative extends AckTracker {
        private final Map<String, MessageId> lastByPartition = new LinkedHashMap<>();

        @Override
        void delivered(Message<?> message) {
            super.delivered(message);
            // Records of one partition are done in delivery order unless some are unresolved.
            lastByPartition.put(message.getTopicName(), message.getMessageId());
        }

        @Override
        void clear() {
            super.clear();
            lastByPartition.clear();
        }

        @Override
        CompletableFuture<Void> commit(Acknowledger consumer, boolean unresolvedBefore) {
            if (unresolvedBefore) {
                lastByPartition.clear();
                return ackEach(consumer);
            }
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (MessageId id : lastByPartition.values()) {
                acks.add(consumer.cumulative(id));
            }
            lastByPartition.clear();
            ids.clear();
            return CompletableFuture.allOf(acks.toArray(new CompletableFuture[0]));
        }
    }
}
