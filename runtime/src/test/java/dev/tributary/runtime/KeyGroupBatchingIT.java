package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PulsarExtension.class)
class KeyGroupBatchingIT {

    @Test
    void everyOutputBatchHoldsOneKeyGroupAndBatchesAreLarge(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("kg-in");
        String output = unique("kg-out");
        createTopic(pulsar, input);
        int records = 20_000;
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input)
                     .blockIfQueueFull(true).create()) {
            Sends sends = new Sends();
            for (int i = 0; i < records; i++) {
                sends.add(producer.newMessage().key("key-" + (i % 5000)).value("v" + i).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));

            StreamBuilder builder = new StreamBuilder();
            builder.stream(input, Schema.STRING).to(output,
                    Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.KEY_GROUP));
            // A second of linger and between commits: a batch's size is then set by the batching, not by how
            // fast a loaded machine gets through the backlog (at the default 10 ms linger it leaves with
            // whatever its key group collected by then).
            var settings = config(pulsar, unique("kg"))
                    .with(RuntimeOptions.BATCH_LINGER, Duration.ofSeconds(1))
                    .with(RuntimeOptions.COMMIT_INTERVAL, Duration.ofSeconds(1));
            try (JobRunner job = new JobRunner(builder.build(), settings).start()) {
                List<Message<String>> out = readAll(client, output, Schema.STRING, records, Duration.ofSeconds(60));
                assertEquals(records, out.size());
                KeyGroups groups = new KeyGroups(64);
                Map<String, Set<Integer>> groupsPerEntry = new HashMap<>();
                for (Message<String> m : out) {
                    String[] id = m.getMessageId().toString().split(":");
                    String entry = id[0] + ":" + id[1];
                    groupsPerEntry.computeIfAbsent(entry, e -> new HashSet<>()).add(groups.ofKey(m.getKey()));
                }
                for (var entry : groupsPerEntry.entrySet()) {
                    assertEquals(1, entry.getValue().size(), "entry " + entry.getKey() + " mixes key groups " + entry.getValue());
                }
                double perEntry = (double) records / groupsPerEntry.size();
                assertTrue(perEntry >= 20, "records per broker entry: " + perEntry);
                System.out.printf("key-group batching: %d records in %d entries (%.1f per entry)%n", records,
                        groupsPerEntry.size(), perEntry);
            }
        }
    }

    @Test
    void keyGroupRangesTileTheWholeHashSpace() {
        KeyGroups groups = new KeyGroups(64);
        assertEquals(0, groups.firstSlot(0));
        assertEquals(65535, groups.lastSlot(63));
        for (int g = 0; g < 63; g++) {
            assertEquals(groups.lastSlot(g) + 1, groups.firstSlot(g + 1));
        }
        KeyGroups odd = new KeyGroups(7);
        for (int slot = 0; slot < KeyGroups.HASH_SLOTS; slot += 97) {
            int g = odd.ofSlot(slot);
            assertTrue(odd.firstSlot(g) <= slot && slot <= odd.lastSlot(g), "slot " + slot + " group " + g);
        }
    }
}
