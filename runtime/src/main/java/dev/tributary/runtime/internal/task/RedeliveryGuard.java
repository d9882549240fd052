package dev.tributary.runtime.internal.task;

import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.state.StoreType;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.runtime.internal.task.InputPositions.Position;
import dev.tributary.runtime.internal.task.InputPositions.Positions;
import dev.tributary.runtime.internal.task.InputPositions.TopicNames;
import dev.tributary.state.BytesIterator;
import dev.tributary.state.TypedStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Under exactly-once, keeps for each key the input position of its last record whose acknowledgement
 * is in the task's transaction, in a store of its own that is logged and restored with the key group
 * like any other. Key_Shared delivers the records of one key in order and the task is done with them
 * in order, so a delivery at or below its key's position was acknowledged in a committed transaction
 * already: the broker delivered it again because it lost that acknowledgement. Pulsar 4.0.7 was seen
 * doing so after broker crashes (docs/GUARANTEES.md). Such a delivery is acknowledged again in the
 * open transaction and not processed.
 *
 * <p>That order holds only if no key group runs while a previous owner's transaction may still hold
 * some of its input back (input an open transaction acknowledged is dispatched to nobody while the
 * key's later input is, and comes back behind it if the transaction aborts): acknowledgements leave
 * only after their transaction's changelog writes, so such a transaction holds the next owner's
 * restore back, and under exactly-once a key group fetches nothing before its restore is done.
 *
 * <p>Records with neither key nor ordering key are not guarded: their order is not tied to a key. A
 * start with {@code replay.from} processes what it rewound again, as asked; positions still only move
 * forward.
 */
public final class RedeliveryGuard {
    private static final Logger LOG = LoggerFactory.getLogger(RedeliveryGuard.class);
    /** The store's name, which a topology's own stores may not take. */
    public static final String STORE = "tributary-input-positions";
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;

    private final TaskState state;
    private final KeyGroups keyGroups;
    private final TaskMetrics metrics;
    /** False on a start that rewound the input on purpose: what it delivers again is processed again. */
    private final boolean skipping;
    /** Done since the last commit; their positions are written at the commit, with their acknowledgements. */
    private final List<Done> pending = new ArrayList<>();
    private TypedStore<Object, Object> store;
    /**
     * Per key group, the highest position written for any of its keys, by topic, and the ownership epoch
     * it was read for: a delivery above it cannot be at or below its key's position, so only the rare
     * one at or below it costs a store read. Read from the store once each time the group starts here.
     */
    private final Positions[] highest;
    private final TopicNames names = new TopicNames();
    private final int[] highestEpoch;
    private long skippedSinceWarning;
    private long lastWarning;

    private record Done(Delivery delivery, byte[] routing) {
    }

    /** @param skipping false on a start with {@code replay.from}, which delivers committed input again on purpose */
    RedeliveryGuard(TaskState state, KeyGroups keyGroups, TaskMetrics metrics, boolean skipping) {
        this.skipping = skipping;
        this.state = state;
        this.keyGroups = keyGroups;
        this.metrics = metrics;
        this.highest = new Positions[keyGroups.count()];
        this.highestEpoch = new int[keyGroups.count()];
    }

    /** The store the positions live in, added to a topology's stores under exactly-once. */
    public static StoreSpec spec() {
        return new StoreSpec(STORE, Schema.BYTES, Schema.BYTES, StoreType.ROCKSDB, true, true);
    }

    /** Whether a store is this one, which queries and listings leave out. */
    public static boolean isPositions(StoreSpec spec) {
        return STORE.equals(spec.name());
    }

    /**
     * Whether a delivery's acknowledgement already committed: its position is at or below the last one
     * committed for its key on its topic.
     *
     * @param routing the bytes the broker placed the record by, or null
     */
    boolean committedBefore(Delivery delivery, byte[] routing) {
        if (routing == null || !skipping || unguarded(delivery)) {
            return false;
        }
        int group = keyGroups.ofKeyBytes(routing);
        Message<Object> message = delivery.message;
        Position position = Position.of(message);
        Position highestOfGroup = highest(group).get(message.getTopicName());
        if (highestOfGroup == null || position.compareTo(highestOfGroup) > 0) {
            return false;
        }
        byte[] positions = (byte[]) store().get(group, routing);
        if (positions == null) {
            return false;
        }
        Position last = Positions.decode(positions, names).get(message.getTopicName());
        if (last == null || position.compareTo(last) > 0) {
            return false;
        }
        // Deliveries built without an input (unit tests) are counted under their topic.
        metrics.redelivered(delivery.input == null ? message.getTopicName() : delivery.input.source().name());
        skippedSinceWarning++;
        long now = System.nanoTime();
        if (lastWarning == 0 || now - lastWarning >= WARN_EVERY_NANOS) {
            LOG.warn("The broker delivered again {} record(s) whose acknowledgement had committed (since the last such"
                    + " warning), the latest {} of topic '{}', whose key was done up to {}: acknowledged again, not"
                    + " processed twice",
                    skippedSinceWarning, message.getMessageId(), message.getTopicName(), last);
            skippedSinceWarning = 0;
            lastWarning = now;
        }
        return true;
    }

    /**
     * A delivery of a key group running here is done with: its acknowledgement goes into the next commit.
     *
     * @param routing the bytes the broker placed the record by, or null
     */
    void done(Delivery delivery, byte[] routing) {
        if (routing != null && !unguarded(delivery)) {
            // The key group is worked out at the commit, once per key rather than per record.
            pending.add(new Done(delivery, routing));
        }
    }

    /** Non-persistent topics are never delivered again, and their message ids start over with the broker. */
    private static boolean unguarded(Delivery delivery) {
        return delivery.message.getTopicName().startsWith("non-persistent://");
    }

    /** A delivery is not done after all: it is looked at again, and its position must not be written. */
    void undone(Delivery delivery) {
        pending.removeIf(done -> done.delivery == delivery);
    }

    /**
     * Before a commit's state is flushed: the positions of what it acknowledges go into its transaction.
     * A record being dead-lettered lets its key move on before it is done, so a later record of the same
     * key may be done first; a position is not written past such a record (it would skip the record if
     * the broker delivered it again), and waits in the pending list until the record is done.
     *
     * @param deadLettering the deliveries on their way to a dead-letter topic
     */
    void flush(java.util.Collection<Delivery> deadLettering) {
        if (pending.isEmpty()) {
            return;
        }
        List<Done> waiting = new ArrayList<>(0);
        // One read and one write per key, however many of its records the commit holds.
        java.util.Map<java.nio.ByteBuffer, Latest> latest = new java.util.HashMap<>();
        for (Done done : pending) {
            if (!deadLettering.isEmpty() && behindUnresolved(done, deadLettering)) {
                waiting.add(done);
                continue;
            }
            latest.computeIfAbsent(java.nio.ByteBuffer.wrap(done.routing), key -> new Latest(
                    keyGroups.ofKeyBytes(done.routing), done.routing, new Positions())).positions.putIfLater(done.delivery.message.getTopicName(),
                    Position.of(done.delivery.message));
        }
        TypedStore<Object, Object> positions = store();
        for (Latest key : latest.values()) {
            byte[] current = (byte[]) positions.get(key.group, key.routing);
            Positions known = current == null ? new Positions() : Positions.decode(current, names);
            // A dead letter confirmed after later records of its key must not move the position back.
            if (known.putAllIfLater(key.positions)) {
                positions.put(key.group, key.routing, known.encode(names));
                highest(key.group).putAllIfLater(key.positions);
            }
        }
        pending.clear();
        pending.addAll(waiting);
    }

    private record Latest(int group, byte[] routing, Positions positions) {
    }

    /** Whether a done record comes after an unresolved one of its key and topic. */
    private static boolean behindUnresolved(Done done, java.util.Collection<Delivery> unresolved) {
        Message<Object> message = done.delivery.message;
        for (Delivery other : unresolved) {
            Message<Object> earlier = other.message;
            if (java.util.Arrays.equals(other.routing(), done.routing)
                    && earlier.getTopicName().equals(message.getTopicName())
                    && Position.of(earlier).compareTo(Position.of(message)) < 0) {
                return true;
            }
        }
        return false;
    }

    /** Forgets deliveries that match (their consumer closed: their key group left, whose positions are not ours). */
    void removeIf(java.util.function.Predicate<Delivery> drop) {
        pending.removeIf(done -> drop.test(done.delivery));
    }

    /** The uncommitted work was dropped: its deliveries come again. */
    void discard() {
        pending.clear();
    }

    /** The highest positions of a key group's keys, read from the store when the group started here. */
    private Positions highest(int group) {
        int epoch = state.ownEpoch(group);
        Positions known = highest[group];
        if (known == null || highestEpoch[group] != epoch) {
            known = new Positions();
            try (BytesIterator entries = state.bytes(STORE).range(group, null, null)) {
                while (entries.hasNext()) {
                    known.putAllIfLater(Positions.decode(entries.next().value(), names));
                }
            }
            highest[group] = known;
            highestEpoch[group] = epoch;
        }
        return known;
    }

    private TypedStore<Object, Object> store() {
        if (store == null) {
            store = state.store(STORE);
        }
        return store;
    }
}
