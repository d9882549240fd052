package dev.tributary.runtime.internal.pulsar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.SubscriptionType;

/**
 * Remembers what a consumer delivered since the last commit and acknowledges it at commit: one
 * grouped list-ack on Key_Shared (the broker refuses cumulative acks there), or one cumulative ack
 * per topic partition where the subscription gives each partition a single reader.
 */
abstract class AckTracker {
    static AckTracker forType(SubscriptionType type) {
        return type == SubscriptionType.Failover || type == SubscriptionType.Exclusive
                ? new Cumulative() : new Grouped();
    }

    abstract void delivered(Message<?> message);

    /** Sends the acknowledgements; the future completes when the client has taken them. */
    abstract CompletableFuture<Void> commit(Consumer<?> consumer);

    private static final class Grouped extends AckTracker {
        private List<MessageId> ids = new ArrayList<>();

        @Override
        void delivered(Message<?> message) {
            ids.add(message.getMessageId());
        }

        @Override
        CompletableFuture<Void> commit(Consumer<?> consumer) {
            if (ids.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            List<MessageId> batch = ids;
            ids = new ArrayList<>(batch.size());
            return consumer.acknowledgeAsync(batch);
        }
    }

    private static final class Cumulative extends AckTracker {
        // Records of one partition are processed in delivery order, so its last id covers all before it.
        private final Map<String, MessageId> lastByPartition = new LinkedHashMap<>();

        @Override
        void delivered(Message<?> message) {
            lastByPartition.put(message.getTopicName(), message.getMessageId());
        }

        @Override
        CompletableFuture<Void> commit(Consumer<?> consumer) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (MessageId id : lastByPartition.values()) {
                acks.add(consumer.acknowledgeCumulativeAsync(id));
            }
            lastByPartition.clear();
            return CompletableFuture.allOf(acks.toArray(new CompletableFuture[0]));
        }
    }
}
