package dev.tributary.runtime.internal.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.testkit.pulsar.Await;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.TestTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.api.transaction.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stall watch on a real broker. Messages acknowledged in a transaction that stays open look to
 * the subscription exactly like the fault the watch is for (a backlog, nothing unacknowledged or in
 * replay, a consumer with permits, nothing dispatched), so an open transaction stands in for it here.
 */
@ExtendWith(PulsarExtension.class)
class StalledDispatchIT {
    private static final int MESSAGES = 10;

    @Test
    void aStalledPartitionIsUnloadedAndItsMessagesAreNotLost(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/" + TestTopics.unique("stalled");
        try (PulsarClient client = pulsar.newClient()) {
            Transaction holding = holdBack(client, topic);
            try (Consumer<String> waiting = subscribe(client, topic)) {
                assertNull(waiting.receive(500, TimeUnit.MILLISECONDS), "the held messages reach no consumer");
                SimpleMeterRegistry registry = watchUntil(pulsar, topic, true, TaskMetrics.DISPATCH_UNLOADS);
                assertEquals(1, count(registry, TaskMetrics.DISPATCH_STALLS), "reported once");
                assertEquals(1, count(registry, TaskMetrics.DISPATCH_UNLOADS), "unloaded once");
                // Whatever held them (here the open transaction) is still in force after the unload: once it
                // ends, the consumer that reconnected receives every message.
                holding.abort().get();
                for (int i = 0; i < MESSAGES; i++) {
                    Message<String> message = waiting.receive(30, TimeUnit.SECONDS);
                    assertNotNull(message, "message " + i + " of " + MESSAGES + " dispatched after the unload");
                    waiting.acknowledge(message);
                }
            }
        }
    }

    @Test
    void withoutUnloadingTheStallIsOnlyReported(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/" + TestTopics.unique("stalled-report");
        try (PulsarClient client = pulsar.newClient()) {
            Transaction holding = holdBack(client, topic);
            try (Consumer<String> waiting = subscribe(client, topic)) {
                SimpleMeterRegistry registry = watchUntil(pulsar, topic, false, TaskMetrics.DISPATCH_STALLS);
                assertEquals(0, count(registry, TaskMetrics.DISPATCH_UNLOADS));
                holding.abort().get();
                assertNotNull(waiting.receive(30, TimeUnit.SECONDS), "dispatched once the transaction ends");
            }
        }
    }

    /** Publishes messages and acknowledges them all in a transaction left open, through a consumer that leaves. */
    private static Transaction holdBack(PulsarClient client, String topic) throws Exception {
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).create();
             Consumer<String> first = subscribe(client, topic)) {
            for (int i = 0; i < MESSAGES; i++) {
                producer.send("m" + i);
            }
            Transaction transaction = client.newTransaction().withTransactionTimeout(5, TimeUnit.MINUTES).build().get();
            for (int i = 0; i < MESSAGES; i++) {
                Message<String> message = first.receive(30, TimeUnit.SECONDS);
                assertNotNull(message, "published message " + i + " received");
                first.acknowledgeAsync(message.getMessageId(), transaction).get();
            }
            return transaction;
        }
    }

    private static Consumer<String> subscribe(PulsarClient client, String topic) throws Exception {
        return client.newConsumer(Schema.STRING).topic(topic).subscriptionName("s")
                .subscriptionType(SubscriptionType.Shared)
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
    }

    /** Runs the watch on the topic until the named counter moves; returns the registry it counts in. */
    private static SimpleMeterRegistry watchUntil(EmbeddedPulsar pulsar, String topic, boolean unload, String counter)
            throws InterruptedException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StalledDispatch watch = new StalledDispatch(pulsar.admin(), "s", Duration.ofMillis(300),
                new TaskMetrics(registry, "app"), unload);
        Await.until(counter + " counted", Duration.ofSeconds(20), () -> {
            try {
                watch.check(topic);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the stats of " + topic, e);
            }
            return count(registry, counter) > 0;
        });
        return registry;
    }

    private static double count(SimpleMeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(counter -> counter.count()).sum();
    }
}
