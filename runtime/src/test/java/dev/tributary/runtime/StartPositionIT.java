package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.dsl.Consumed;
import dev.tributary.dsl.StartPosition;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PulsarExtension.class)
class StartPositionIT {

    private static Topology collect(String input, StartPosition start, List<String> seen) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Consumed.with(Schema.STRING).withStartPosition(start)).foreach((k, v) -> seen.add(v));
        return builder.build();
    }

    /** Publishes "a0".."a{n-1}", then returns a time after all of them and before anything later. */
    private static Instant publishThenMark(PulsarClient client, String topic, String prefix, int n) throws Exception {
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).enableBatching(false).create()) {
            for (int i = 0; i < n; i++) {
                producer.newMessage().key("k" + i).value(prefix + i).send();
            }
        }
        Instant mark = Instant.ofEpochMilli(System.currentTimeMillis() + 1);
        while (System.currentTimeMillis() <= mark.toEpochMilli()) {
            Thread.onSpinWait();
        }
        return mark;
    }

    private static void publish(PulsarClient client, String topic, String prefix, int n) throws Exception {
        publishThenMark(client, topic, prefix, n);
    }

    @Test
    void aNewSubscriptionStartsAtATimestamp(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("ts-in");
        createTopic(pulsar, input);
        try (PulsarClient client = pulsar.newClient()) {
            Instant mark = publishThenMark(client, input, "old", 300);
            publish(client, input, "new", 200);
            List<String> seen = new CopyOnWriteArrayList<>();
            try (JobRunner job = new JobRunner(collect(input, StartPosition.at(mark), seen),
                    config(pulsar, unique("ts"))).start()) {
                await("200 new records", Duration.ofSeconds(30), () -> seen.size() >= 200);
            }
            assertEquals(200, seen.size());
            assertEquals("new0", seen.get(0));
        }
    }

    @Test
    void latestSkipsWhatWasPublishedBeforeTheSubscription(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("latest-in");
        createTopic(pulsar, input);
        try (PulsarClient client = pulsar.newClient()) {
            publish(client, input, "before", 100);
            List<String> seen = new CopyOnWriteArrayList<>();
            try (JobRunner job = new JobRunner(collect(input, StartPosition.latest(), seen),
                    config(pulsar, unique("latest"))).start()) {
                publish(client, input, "after", 50);
                await("50 records", Duration.ofSeconds(30), () -> seen.size() >= 50);
            }
            assertEquals(50, seen.size());
            assertEquals("after0", seen.get(0));
        }
    }

    @Test
    void replayFromATimestampReprocessesExactlyTheRecordsPublishedAfterIt(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("replay-in");
        String app = unique("replay");
        createTopic(pulsar, input);
        try (PulsarClient client = pulsar.newClient()) {
            Instant mark = publishThenMark(client, input, "a", 400);
            publish(client, input, "b", 250);
            List<String> firstRun = new CopyOnWriteArrayList<>();
            try (JobRunner job = new JobRunner(collect(input, StartPosition.earliest(), firstRun),
                    config(pulsar, app)).start()) {
                await("all 650", Duration.ofSeconds(30), () -> firstRun.size() >= 650);
            }
            assertEquals(650, firstRun.size());

            List<String> replayed = new CopyOnWriteArrayList<>();
            try (JobRunner job = new JobRunner(collect(input, StartPosition.earliest(), replayed),
                    config(pulsar, app).with(RuntimeOptions.REPLAY_FROM, mark)).start()) {
                await("the 250 records after the mark", Duration.ofSeconds(30), () -> replayed.size() >= 250);
                await("backlog 0", Duration.ofSeconds(10), () -> CommitIT.backlogOf(pulsar, input, app) == 0);
            }
            assertEquals(250, replayed.size());
            for (int i = 0; i < 250; i++) {
                assertEquals("b" + i, replayed.get(i));
            }
        }
    }
}
