package dev.tributary.runtime.internal.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.runtime.internal.TestMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeliveryTest {
    private static Delivery delivery(String key) {
        return new Delivery(null, TestMessage.of("persistent://public/default/in", 7, key, "v"), 1);
    }

    @Test
    void aRecordProcessedAtOnceGoesFromReceivedToDone() {
        Delivery delivery = delivery("k");
        assertEquals(Delivery.State.RECEIVED, delivery.state());
        assertEquals(1, delivery.attempt());
        delivery.done();
        assertTrue(delivery.isDone());
    }

    @Test
    void aFailingRecordRetriesThenGoesToTheDeadLetterTopicThenIsDone() {
        Delivery delivery = delivery("k");
        delivery.retryAt(42);
        assertEquals(Delivery.State.RETRYING, delivery.state());
        assertEquals(42, delivery.dueNanos());
        delivery.retryAt(43);
        delivery.deadLettering();
        delivery.deadLettering();
        delivery.done();
        assertEquals(Delivery.State.DONE, delivery.state());
    }

    @Test
    void aHeldRecordWaitsThenIsProcessed() {
        Delivery delivery = delivery("k");
        delivery.hold();
        assertEquals(Delivery.State.HELD, delivery.state());
        delivery.done();
        assertTrue(delivery.isDone());
    }

    @Test
    void aDoneRecordWhoseOutputIsRefusedIsReceivedAgain() {
        Delivery delivery = delivery("k");
        delivery.done();
        delivery.undone();
        assertEquals(Delivery.State.RECEIVED, delivery.state());
        delivery.retryAt(1);
        assertEquals(Delivery.State.RETRYING, delivery.state());
    }

    @Test
    void transitionsOutsideTheLifecycleAreRefusedNamingTheMessage() {
        Delivery done = delivery("k");
        done.done();
        IllegalStateException twice = assertThrows(IllegalStateException.class, done::done);
        assertTrue(twice.getMessage().contains("DONE to DONE") && twice.getMessage().contains("topic"),
                twice.getMessage());
        assertThrows(IllegalStateException.class, done::hold);
        Delivery deadLettering = delivery("k");
        deadLettering.deadLettering();
        assertThrows(IllegalStateException.class, () -> deadLettering.retryAt(1));
        assertThrows(IllegalStateException.class, deadLettering::forwarding);
        Delivery fresh = delivery("k");
        assertThrows(IllegalStateException.class, fresh::undone);
    }

    @Test
    void keylessRecordsShareOneKeyIdentity() {
        assertNull(delivery(null).keyBytes());
        assertEquals(delivery(null).keyId(), delivery(null).keyId());
        assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), delivery("k").keyBytes());
        assertEquals(delivery("k").keyId(), delivery("k").keyId());
    }
}
