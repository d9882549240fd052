package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.createTopic;
import static dev.tributary.runtime.PulsarTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.KeySharedPolicy;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Range;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.api.transaction.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the broker does with input acknowledged in a transaction that aborts, on which exactly-once
 * relies: the redelivery guard never skips a delivery the broker counts as redelivered, because such
 * input was not committed, and it may come back after later input of its key.
 */
@ExtendWith(PulsarExtension.class)
class TransactionalAcksIT {
    private static final int MESSAGES = 6;

    @Test
    void inputAnAbortedTransactionAcknowledgedComesBackCountedAsRedeliveredAfterLaterInputOfItsKey(
            EmbeddedPulsar pulsar) throws Exception {
        String topic = unique("txn-acks");
        createTopic(pulsar, topic);
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).enableBatching(false).create()) {
            for (int i = 0; i < MESSAGES; i++) {
                producer.newMessage().key("k").value("early-" + i).send();
            }
            Transaction transaction = client.newTransaction().withTransactionTimeout(5, TimeUnit.MINUTES).build().get();
            // The first owner acknowledges the key's early input in a transaction, then leaves.
            try (Consumer<String> first = subscribe(client, topic)) {
                for (int i = 0; i < MESSAGES; i++) {
                    Message<String> message = first.receive(30, TimeUnit.SECONDS);
                    assertNotNull(message, "early input " + i + " received");
                    first.acknowledgeAsync(message.getMessageId(), transaction).get();
                }
            }
            try (Consumer<String> next = subscribe(client, topic)) {
                producer.newMessage().key("k").value("later").send();
                Message<String> later = next.receive(30, TimeUnit.SECONDS);
                assertNotNull(later, "the key's later input reaches the next owner while the transaction is open");
                assertEquals("later", later.getValue());
                assertEquals(0, later.getRedeliveryCount());
                next.acknowledge(later);
                transaction.abort().get();
                List<Message<String>> back = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    Message<String> message = next.receive(30, TimeUnit.SECONDS);
                    assertNotNull(message, "early input " + i + " back after the abort");
                    back.add(message);
                    next.acknowledge(message);
                }
                for (Message<String> message : back) {
                    assertTrue(message.getValue().startsWith("early-"), message.getValue());
                    assertTrue(message.getRedeliveryCount() > 0, message.getValue() + " counted as redelivered");
                }
            }
        }
    }

    private static Consumer<String> subscribe(PulsarClient client, String topic) throws Exception {
        return client.newConsumer(Schema.STRING).topic(topic).subscriptionName("s")
                .subscriptionType(SubscriptionType.Key_Shared)
                .keySharedPolicy(KeySharedPolicy.stickyHashRange().ranges(Range.of(0, 65535)))
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
    }
}
