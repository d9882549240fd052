package dev.tributary.runtime.internal.connect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.testkit.pulsar.Await;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.TestTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A connector's state on a real broker: shared by instances, ordered by its topic, kept across opens. */
@ExtendWith(PulsarExtension.class)
class ConnectorStateIT {
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Optional<byte[]> value) {
        return value.map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void twoInstancesShareTheStateTheLastWriteWinsAndItOutlivesThem(EmbeddedPulsar pulsar) throws Exception {
        String topic = ConnectorStateStore.topic("public/default", TestTopics.unique("state"), "c");
        try (PulsarClient client = pulsar.newClient()) {
            Producers producers = new Producers(client, Duration.ofSeconds(30));
            try (ConnectorStateStore one = ConnectorStateStore.open("c", producers, pulsar.admin(), topic, 30_000);
                 ConnectorStateStore two = ConnectorStateStore.open("c", producers, pulsar.admin(), topic, 30_000)) {
                var put = one.put("position", bytes("10"));
                assertEquals("10", text(one.get("position")), "read back at once where it was put");
                put.join();
                Await.until("the other instance follows", Duration.ofSeconds(30),
                        () -> "10".equals(text(two.get("position"))));
                // Many writes from both: every instance ends on the topic's last one.
                for (int i = 0; i < 200; i++) {
                    (i % 2 == 0 ? one : two).put("race", bytes("v" + i));
                }
                two.put("race", bytes("final")).join();
                Await.until("both end on the last write", Duration.ofSeconds(30),
                        () -> "final".equals(text(one.get("race"))) && "final".equals(text(two.get("race"))));
                one.put("gone", bytes("x")).join();
                two.delete("gone").join();
                Await.until("the deletion reaches the first", Duration.ofSeconds(30), () -> one.get("gone").isEmpty());
                assertThrows(IllegalArgumentException.class, () -> one.put("empty", new byte[0]));
                byte[] given = bytes("copied");
                one.put("copy", given).join();
                given[0] = 'X';
                assertArrayEquals(bytes("copied"), one.get("copy").orElseThrow(), "the store keeps its own copy");
            }
            try (ConnectorStateStore again = ConnectorStateStore.open("c", producers, pulsar.admin(), topic, 30_000)) {
                assertEquals("10", text(again.get("position")), "read whole when opened again");
                assertEquals("final", text(again.get("race")));
                assertTrue(again.get("gone").isEmpty());
            }
        }
    }

    @Test
    void aStateTopicThatCannotBeReadIsNamed(EmbeddedPulsar pulsar) throws Exception {
        try (PulsarClient client = pulsar.newClient()) {
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> ConnectorStateStore.open("c",
                    new Producers(client, Duration.ofSeconds(30)), pulsar.admin(),
                    "persistent://no-such-tenant/ns/app-connector-c-state", 5_000));
            assertTrue(error.getMessage().startsWith("connector 'c' cannot read its state from topic "
                    + "'persistent://no-such-tenant/ns/app-connector-c-state': "), error.getMessage());
        }
    }
}
