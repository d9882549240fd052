package dev.tributary.runtime.internal.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tributary.runtime.internal.TestMessage;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.runtime.internal.task.InputPositions.Position;
import dev.tributary.runtime.internal.task.InputPositions.Positions;
import dev.tributary.runtime.internal.task.InputPositions.TopicNames;
import dev.tributary.state.Stores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each key's committed input position, and what it lets the task skip, without a broker. */
class RedeliveryGuardTest {
    private static final String TOPIC = "persistent://public/default/in";
    private final KeyGroups keyGroups = new KeyGroups(8);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private long sequence;

    private RedeliveryGuard guard(boolean skipping) {
        BitSet all = new BitSet();
        all.set(0, keyGroups.count());
        TaskState state = new TaskState(List.of(RedeliveryGuard.spec()), keyGroups, all,
                spec -> Stores.inMemory(spec.name()), null, 100, false);
        return new RedeliveryGuard(state, keyGroups, new TaskMetrics(registry, "app"), skipping);
    }

    private Delivery delivery(String key, long entry) {
        return new Delivery(null, TestMessage.of(TOPIC, entry, key, "v" + entry), ++sequence);
    }

    private void done(RedeliveryGuard guard, Delivery delivery) {
        guard.done(delivery, delivery.routing());
    }

    private boolean committed(RedeliveryGuard guard, Delivery delivery) {
        return guard.committedBefore(delivery, delivery.routing());
    }

    @Test
    void aDeliveryAtOrBelowItsKeysCommittedPositionIsSkippedAndCounted() {
        RedeliveryGuard guard = guard(true);
        done(guard, delivery("a", 1));
        done(guard, delivery("a", 2));
        done(guard, delivery("b", 3));
        assertFalse(committed(guard, delivery("a", 1)), "nothing is known before the commit writes it");
        guard.flush(List.of());
        assertTrue(committed(guard, delivery("a", 1)));
        assertTrue(committed(guard, delivery("a", 2)));
        assertFalse(committed(guard, delivery("a", 4)));
        assertTrue(committed(guard, delivery("b", 3)));
        assertFalse(committed(guard, delivery("c", 1)), "another key's position says nothing of this one");
        assertEquals(3.0, registry.get("tributary.records.redelivered").counter().count());
    }

    @Test
    void aPositionDoesNotPassARecordOfItsKeyStillBeingDeadLettered() {
        RedeliveryGuard guard = guard(true);
        Delivery failing = delivery("a", 1);
        Delivery later = delivery("a", 2);
        done(guard, later);
        guard.flush(List.of(failing));
        assertFalse(committed(guard, failing), "the dead letter was not written: delivered again, it must be handled");
        assertFalse(committed(guard, later), "its position waits for the record before it");
        done(guard, failing);
        guard.flush(List.of());
        assertTrue(committed(guard, failing));
        assertTrue(committed(guard, later));
    }

    @Test
    void aKeyDoneOnTwoTopicsKeepsItsPositionOnEach() {
        RedeliveryGuard guard = guard(true);
        done(guard, delivery("a", 10));
        guard.flush(List.of());
        done(guard, other("a", 3));
        guard.flush(List.of());
        assertTrue(committed(guard, delivery("a", 10)), "a move on the second topic keeps the first topic's position");
        assertTrue(committed(guard, other("a", 3)));
        assertFalse(committed(guard, other("a", 4)));
        done(guard, delivery("a", 11));
        guard.flush(List.of());
        assertTrue(committed(guard, delivery("a", 11)));
        assertTrue(committed(guard, other("a", 3)), "a move on the first topic keeps the second topic's position");
    }

    @Test
    void aRecordDoneAfterALaterOneOfItsKeyCommittedDoesNotMoveThePositionBack() {
        RedeliveryGuard guard = guard(true);
        done(guard, delivery("a", 2));
        guard.flush(List.of());
        done(guard, delivery("a", 1));
        guard.flush(List.of());
        assertTrue(committed(guard, delivery("a", 2)));
    }

    private Delivery other(String key, long entry) {
        return new Delivery(null, TestMessage.of("persistent://public/default/other", entry, key, "v" + entry),
                ++sequence);
    }

    @Test
    void droppedWorkAndUndoneRecordsLeaveNoPosition() {
        RedeliveryGuard guard = guard(true);
        Delivery undone = delivery("a", 1);
        done(guard, undone);
        guard.undone(undone);
        done(guard, delivery("b", 2));
        guard.discard();
        guard.flush(List.of());
        assertFalse(committed(guard, undone));
        assertFalse(committed(guard, delivery("b", 2)));
    }

    @Test
    void keylessRecordsAndAReplayAreNotSkipped() {
        RedeliveryGuard keyless = guard(true);
        done(keyless, delivery(null, 1));
        keyless.flush(List.of());
        assertFalse(committed(keyless, delivery(null, 1)));
        RedeliveryGuard replaying = guard(false);
        done(replaying, delivery("a", 1));
        replaying.flush(List.of());
        assertFalse(committed(replaying, delivery("a", 1)), "replay.from asks for committed input to be processed again");
    }
    @Test
    void positionsOrderByLedgerThenEntryThenBatchIndex() {
        assertTrue(new Position(3, 900, 5).compareTo(new Position(4, 0, -1)) < 0);
        assertTrue(new Position(4, 1, -1).compareTo(new Position(4, 0, 63)) > 0);
        assertTrue(new Position(4, 1, 2).compareTo(new Position(4, 1, 3)) < 0);
        assertEquals(0, new Position(4, 1, 3).compareTo(new Position(4, 1, 3)));
    }

    @Test
    void aKeysPositionsByTopicSurviveEncoding() throws java.io.IOException {
        Positions positions = new Positions();
        positions.put("persistent://public/default/orders-partition-1", new Position(12, 40, 7));
        positions.put("persistent://public/default/payments", new Position(9, 3, -1));
        positions.put("persistent://public/default/orders-partition-1", new Position(12, 41, 0));
        TopicNames names = new TopicNames();
        byte[] encoded = positions.encode(names);
        assertArrayEquals(positions.encode(new TopicNames()), encoded, "the same bytes from names encoded before");
        Positions decoded = Positions.decode(encoded, names);
        // The format DataOutputStream gives, which positions written before were stored in.
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(written)) {
            out.writeShort(1);
            out.writeUTF("persistent://public/default/payments");
            out.writeLong(9);
            out.writeLong(3);
            out.writeInt(-1);
        }
        assertEquals(new Position(9, 3, -1), Positions.decode(written.toByteArray(), new TopicNames())
                .get("persistent://public/default/payments"));
        assertEquals(new Position(12, 41, 0), decoded.get("persistent://public/default/orders-partition-1"));
        assertEquals(new Position(9, 3, -1), decoded.get("persistent://public/default/payments"));
        assertNull(decoded.get("persistent://public/default/orders-partition-0"));
    }
}
