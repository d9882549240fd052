package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Consumed;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.common.policies.data.PersistentTopicInternalStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PulsarExtension.class)
class AckModesIT {

    @Test
    void aFailoverSourceCommitsWithOneCumulativeAck(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("failover-in");
        String app = unique("failover");
        String topic = "persistent://public/default/" + input;
        createTopic(pulsar, input);
        MessageId last = null;
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input)
                     .blockIfQueueFull(true).enableBatching(false).create()) {
            for (int i = 0; i < 500; i++) {
                last = producer.newMessage().key("k" + i).value("v" + i).send();
            }
        }
        AtomicInteger seen = new AtomicInteger();
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Consumed.with(Schema.STRING).withSubscriptionType(SubscriptionType.Failover))
                .foreach((k, v) -> seen.incrementAndGet());
        try (JobRunner job = new JobRunner(builder.build(), config(pulsar, app)).start()) {
            await("500 records", Duration.ofSeconds(30), () -> seen.get() == 500);
            await("committed", Duration.ofSeconds(10), () -> CommitIT.backlogOf(pulsar, input, app) == 0);
            assertEquals(SubscriptionType.Failover.name(),
                    pulsar.admin().topics().getStats(topic).getSubscriptions().get(app).getType());
            PersistentTopicInternalStats.CursorStats cursor =
                    pulsar.admin().topics().getInternalStats(topic).cursors.get(app);
            String lastPosition = last.toString().split(":")[0] + ":" + last.toString().split(":")[1];
            assertEquals(lastPosition, cursor.markDeletePosition, "the cursor moved to the last message");
            assertEquals("[]", cursor.individuallyDeletedMessages, "no individual acks were needed");
        }
    }

    @Test
    void aKeySharedSourceCommitsWithGroupedAcks(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("keyshared-in");
        String app = unique("keyshared");
        String topic = "persistent://public/default/" + input;
        createTopic(pulsar, input);
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input)
                     .blockIfQueueFull(true).create()) {
            Sends sends = new Sends();
            for (int i = 0; i < 2000; i++) {
                sends.add(producer.newMessage().key("k" + (i % 100)).value("v" + i).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
        }
        AtomicInteger seen = new AtomicInteger();
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).foreach((k, v) -> seen.incrementAndGet());
        try (JobRunner job = new JobRunner(builder.build(), config(pulsar, app)).start()) {
            await("2000 records", Duration.ofSeconds(30), () -> seen.get() == 2000);
            await("committed", Duration.ofSeconds(10), () -> CommitIT.backlogOf(pulsar, input, app) == 0);
            var subscription = pulsar.admin().topics().getStats(topic).getSubscriptions().get(app);
            assertEquals(SubscriptionType.Key_Shared.name(), subscription.getType());
            assertEquals("STICKY", subscription.getKeySharedMode());
            assertTrue(job.commits() >= 1);
        }
    }
}
