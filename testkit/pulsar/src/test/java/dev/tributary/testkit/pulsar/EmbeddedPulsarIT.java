package dev.tributary.testkit.pulsar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.transaction.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PulsarExtension.class)
class EmbeddedPulsarIT {

    @Test
    void producesAndConsumesThroughTheSharedBroker(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/embedded-roundtrip";
        try (PulsarClient client = pulsar.newClient();
             Consumer<String> consumer = client.newConsumer(Schema.STRING).topic(topic)
                     .subscriptionName("t").subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                     .subscribe();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).create()) {
            producer.send("hello");
            Message<String> message = consumer.receive(10, TimeUnit.SECONDS);
            assertEquals("hello", message.getValue());
            consumer.acknowledge(message);
        }
        assertTrue(pulsar.admin().topics().getList("public/default").contains(topic));
    }

    @Test
    void transactionsAreEnabled(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/embedded-txn";
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(topic)
                     .sendTimeout(0, TimeUnit.SECONDS).create()) {
            Transaction txn = client.newTransaction().withTransactionTimeout(1, TimeUnit.MINUTES).build().get();
            producer.newMessage(txn).value("in-txn").send();
            txn.commit().get();
        }
        assertEquals(1, pulsar.admin().topics().getStats(topic).getMsgInCounter());
    }

    @Test
    void restartsOnItsOwnData(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String topic = "persistent://public/default/survives-restart";
        try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().dataDirectory(dir).build().start()) {
            try (PulsarClient client = pulsar.newClient();
                 Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).create()) {
                producer.send("kept");
            }
            pulsar.stop();
            pulsar.start();
            try (PulsarClient client = pulsar.newClient();
                 Consumer<String> consumer = client.newConsumer(Schema.STRING).topic(topic).subscriptionName("r")
                         .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
                assertEquals("kept", consumer.receive(10, TimeUnit.SECONDS).getValue());
            }
        }
    }
}
