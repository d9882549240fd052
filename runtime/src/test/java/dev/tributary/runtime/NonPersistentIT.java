package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.TopologyException;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Non-persistent topics as inputs and outputs: at most once, and refused where a job needs more. */
@ExtendWith(PulsarExtension.class)
class NonPersistentIT {
    @Test
    void aStatelessJobReadsAndWritesNonPersistentTopics(EmbeddedPulsar pulsar) throws Exception {
        String input = "non-persistent://public/default/" + unique("np-in");
        String output = "non-persistent://public/default/" + unique("np-out");
        String app = unique("np");
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).mapValues(value -> {
            if (value.equals("poison")) {
                throw new IllegalArgumentException("cannot take poison");
            }
            return value.toUpperCase();
        }).to(output, Produced.with(Schema.STRING, Schema.STRING));
        int records = 200;
        try (PulsarClient client = pulsar.newClient();
             JobRunner job = new JobRunner(builder.build(), config(pulsar, app)).start();
             // A non-persistent topic keeps nothing: the reader is there before anything is written.
             Consumer<String> reader = client.newConsumer(Schema.STRING).topic(output).subscriptionName("check")
                     .subscribe();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).create()) {
            await("the job's consumer on the input", Duration.ofSeconds(30), () -> {
                try {
                    var subscription = pulsar.admin().topics().getStats(input).getSubscriptions().get(app);
                    return subscription != null && !subscription.getConsumers().isEmpty();
                } catch (Exception e) {
                    return false;
                }
            });
            producer.newMessage().key("bad").value("poison").send();
            for (int i = 0; i < records; i++) {
                producer.newMessage().key("k" + (i % 7)).value("v" + i).send();
            }
            Set<String> seen = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.size() < records && System.nanoTime() < deadline) {
                Message<String> message = reader.receive(1, TimeUnit.SECONDS);
                if (message != null) {
                    seen.add(message.getValue());
                    reader.acknowledge(message);
                }
            }
            assertEquals(records, seen.size(), "every record through, with nothing lost on a quiet broker");
            assertTrue(seen.contains("V0") && seen.contains("V" + (records - 1)));
            assertEquals(JobState.RUNNING, job.state());
            // Its dead letters outlast the moment: they go to a persistent topic.
            String deadLetters = "persistent://public/default/" + input.substring(input.lastIndexOf('/') + 1) + "-"
                    + app + "-DLQ";
            var dead = readAll(client, deadLetters, Schema.BYTES, 1, Duration.ofSeconds(60));
            assertEquals("poison", new String(dead.get(0).getValue(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void aJobWithStateOnANonPersistentInputIsRefusedAtStart(EmbeddedPulsar pulsar, @TempDir Path stateDir) {
        String input = "non-persistent://public/default/" + unique("np-count-in");
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).groupByKey().count().toStream()
                .to(unique("np-count-out"), Produced.with(Schema.STRING, Schema.INT64));
        JobRunner job = new JobRunner(builder.build(), config(pulsar, unique("np-count"))
                .with(RuntimeOptions.STATE_DIR, stateDir.toString()));
        TopologyException e = assertThrows(TopologyException.class, job::start);
        assertTrue(e.getMessage().contains("'" + input + "'") && e.getMessage().contains("non-persistent"),
                e.getMessage());
        assertTrue(e.getMessage().contains("state"), e.getMessage());
    }

    @Test
    void exactlyOnceOnANonPersistentInputIsRefusedAtStart(EmbeddedPulsar pulsar, @TempDir Path stateDir) {
        String input = "non-persistent://public/default/" + unique("np-eo-in");
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).to(unique("np-eo-out"), Produced.with(Schema.STRING, Schema.STRING));
        JobRunner job = new JobRunner(builder.build(), ExactlyOnceIT.exactlyOnce(config(pulsar, unique("np-eo")),
                stateDir));
        TopologyException e = assertThrows(TopologyException.class, job::start);
        assertTrue(e.getMessage().contains("'" + input + "'") && e.getMessage().contains("exactly-once"),
                e.getMessage());
    }
}
