package dev.tributary.runtime.internal.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.runtime.internal.TestMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.SubscriptionType;
import org.junit.jupiter.api.Test;

class AckTrackerTest {
    private final List<List<MessageId>> each = new ArrayList<>();
    private final List<MessageId> cumulative = new ArrayList<>();
    private final AckTracker.Acknowledger consumer = new AckTracker.Acknowledger() {
        @Override
        public CompletableFuture<Void> each(List<MessageId> ids) {
            each.add(List.copyOf(ids));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> cumulative(MessageId upTo) {
            cumulative.add(upTo);
            return CompletableFuture.completedFuture(null);
        }
    };

    private static TestMessage message(String partition, long entry) {
        return TestMessage.of("persistent://public/default/in-partition-" + partition, entry, "k", "v");
    }

    @Test
    void keySharedCommitsSendOneGroupedListAck() {
        AckTracker acks = AckTracker.forType(SubscriptionType.Key_Shared);
        TestMessage a = message("0", 1);
        TestMessage b = message("1", 2);
        acks.delivered(a);
        acks.delivered(b);
        assertEquals(2, acks.pending());
        acks.commit(consumer, false);
        assertEquals(List.of(List.of(a.getMessageId(), b.getMessageId())), each);
        assertTrue(cumulative.isEmpty(), "the broker refuses cumulative acks on Key_Shared");
        assertEquals(0, acks.pending());
        acks.commit(consumer, false);
        assertEquals(1, each.size(), "nothing to acknowledge sends nothing");
    }

    @Test
    void failoverCommitsAcknowledgeCumulativelyUpToTheLastMessageOfEachPartition() {
        AckTracker acks = AckTracker.forType(SubscriptionType.Failover);
        acks.delivered(message("0", 1));
        acks.delivered(message("0", 2));
        acks.delivered(message("1", 3));
        acks.commit(consumer, false);
        assertEquals(List.of(message("0", 2).getMessageId(), message("1", 3).getMessageId()), cumulative);
        assertTrue(each.isEmpty());
    }

    @Test
    void anUnresolvedEarlierMessageTurnsACumulativeCommitIntoAcksOfEachMessage() {
        AckTracker acks = AckTracker.forType(SubscriptionType.Exclusive);
        acks.delivered(message("0", 2));
        acks.delivered(message("0", 3));
        acks.commit(consumer, true);
        assertTrue(cumulative.isEmpty(), "a cumulative ack would cover the unresolved message");
        assertEquals(List.of(List.of(message("0", 2).getMessageId(), message("0", 3).getMessageId())), each);
    }

    @Test
    void aWithdrawnMessageIsNotAcknowledgedAndClearedOnesAreForgotten() {
        AckTracker acks = AckTracker.forType(SubscriptionType.Key_Shared);
        acks.delivered(message("0", 1));
        acks.delivered(message("0", 2));
        acks.withdraw(message("0", 1).getMessageId());
        acks.commit(consumer, false);
        assertEquals(List.of(List.of(message("0", 2).getMessageId())), each);
        acks.delivered(message("0", 3));
        acks.clear();
        assertEquals(0, acks.pending());
    }
}
