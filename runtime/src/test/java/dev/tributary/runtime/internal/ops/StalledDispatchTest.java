package dev.tributary.runtime.internal.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.pulsar.common.policies.data.stats.ConsumerStatsImpl;
import org.apache.pulsar.common.policies.data.stats.SubscriptionStatsImpl;
import org.junit.jupiter.api.Test;

/** What counts as messages the broker dispatches to nobody, on the stats the broker reports. */
class StalledDispatchTest {
    private static SubscriptionStatsImpl subscription(long backlog, int permits) {
        SubscriptionStatsImpl sub = new SubscriptionStatsImpl();
        sub.msgBacklog = backlog;
        ConsumerStatsImpl consumer = new ConsumerStatsImpl();
        consumer.availablePermits = permits;
        sub.consumers = new java.util.ArrayList<>(List.of(consumer));
        return sub;
    }

    @Test
    void aBacklogThatNoConsumerHoldsOrAwaitsIsStuck() {
        // The state the paused-instance test's stall showed: 19 messages, none unacknowledged or in replay.
        assertTrue(StalledDispatch.stuck(subscription(19, 1000)));
    }

    @Test
    void messagesOnTheirWayOrHeldAreNot() {
        assertFalse(StalledDispatch.stuck(subscription(0, 1000)), "no backlog");
        SubscriptionStatsImpl unacked = subscription(19, 1000);
        unacked.unackedMessages = 5;
        assertFalse(StalledDispatch.stuck(unacked), "a consumer holds some");
        SubscriptionStatsImpl replaying = subscription(19, 1000);
        replaying.msgInReplay = 3;
        assertFalse(StalledDispatch.stuck(replaying), "the dispatcher is replaying");
        SubscriptionStatsImpl delayed = subscription(19, 1000);
        delayed.msgDelayed = 19;
        assertFalse(StalledDispatch.stuck(delayed), "delayed delivery");
        assertFalse(StalledDispatch.stuck(subscription(19, 0)), "no consumer asks for messages");
        SubscriptionStatsImpl none = subscription(19, 1000);
        none.consumers = new java.util.ArrayList<>();
        assertFalse(StalledDispatch.stuck(none), "no consumer at all");
    }
}
