package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Consumed;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A source read through an Exclusive subscription has one reader; a second instance waits to take it over. */
@ExtendWith(PulsarExtension.class)
class ExclusiveSourceIT {
    @Test
    void aSecondInstanceWaitsAsAHotStandbyAndTakesOverWhenTheFirstStops(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("exclusive-in");
        String output = unique("exclusive-out");
        String app = unique("exclusive");
        String topic = "persistent://public/default/" + input;
        createTopic(pulsar, input);
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Consumed.with(Schema.STRING).withSubscriptionType(SubscriptionType.Exclusive))
                .mapValues(String::toUpperCase).to(output, Produced.with(Schema.STRING, Schema.STRING));
        Topology topology = builder.build();
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).enableBatching(false)
                     .create()) {
            JobRunner first = new JobRunner(topology, config(pulsar, app).with(RuntimeOptions.INSTANCE_ID, "first")
                    .with(RuntimeOptions.KEY_GROUPS, 8)).start();
            try (JobRunner second = new JobRunner(topology, config(pulsar, app)
                    .with(RuntimeOptions.INSTANCE_ID, "second").with(RuntimeOptions.KEY_GROUPS, 8)).start()) {
                assertEquals(JobState.RUNNING, second.state(), "the second instance starts and waits");
                assertEquals(1, pulsar.admin().topics().getStats(topic).getSubscriptions().get(app).getConsumers()
                        .size(), "one reader of the exclusive subscription");
                for (int i = 0; i < 300; i++) {
                    producer.newMessage().key("k" + i).value("v" + i).send();
                }
                expect(readAll(client, output, Schema.STRING, 300, Duration.ofSeconds(60)), 300);
                first.close();
                await("the second instance to take the source over", Duration.ofSeconds(30), () -> {
                    try {
                        var consumers = pulsar.admin().topics().getStats(topic).getSubscriptions().get(app)
                                .getConsumers();
                        return consumers.size() == 1 && consumers.get(0).getConsumerName().startsWith("second");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                for (int i = 300; i < 600; i++) {
                    producer.newMessage().key("k" + i).value("v" + i).send();
                }
                expect(readAll(client, output, Schema.STRING, 600, Duration.ofSeconds(60)), 600);
                assertEquals(JobState.RUNNING, second.state());
            } finally {
                first.close();
            }
        }
    }

    private static void expect(List<Message<String>> out, int records) {
        Set<String> values = new HashSet<>();
        out.forEach(message -> values.add(message.getValue()));
        for (int i = 0; i < records; i++) {
            assertTrue(values.contains("V" + i), "missing V" + i);
        }
    }
}
