package dev.tributary.runtime.internal.task;

import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.state.StoreType;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.state.BytesIterator;
import dev.tributary.state.TypedStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageIdAdv;
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
        List<Latest> written = new ArrayList<>(latest.size());
        for (Latest key : latest.values()) {
            Positions known;
            if (aheadOfGroup(key)) {
                // Its stored positions, if any, are on this topic only and behind: no need to read them.
                known = key.positions;
            } else {
                byte[] current = (byte[]) positions.get(key.group, key.routing);
                known = current == null ? new Positions() : Positions.decode(current, names);
                boolean moved = false;
                for (int i = 0; i < key.positions.topics.size(); i++) {
                    // A dead letter confirmed after later records of its key must not move the position back.
                    moved |= known.putIfLater(key.positions.topics.get(i), key.positions.positions.get(i));
                }
                if (!moved) {
                    continue;
                }
            }
            positions.put(key.group, key.routing, known.encode(names));
            written.add(key);
        }
        // Only now: each key above was compared with its group's highest positions of earlier commits.
        for (Latest key : written) {
            Positions highestOfGroup = highest(key.group);
            for (int i = 0; i < key.positions.topics.size(); i++) {
                highestOfGroup.putIfLater(key.positions.topics.get(i), key.positions.positions.get(i));
            }
        }
        pending.clear();
        pending.addAll(waiting);
    }

    private record Latest(int group, byte[] routing, Positions positions) {
    }

    /**
     * Whether a key moved on one topic only, past every position its key group wrote before on any
     * topic, while no key of the group ever moved on another topic: then whatever is stored for the key
     * is a position on that topic behind this one. The common case (one input partition per key, taken
     * in order), which spares a read and a decode per key and commit.
     */
    private boolean aheadOfGroup(Latest key) {
        if (key.positions.topics.size() != 1) {
            return false;
        }
        Positions highestOfGroup = highest(key.group);
        if (highestOfGroup.topics.isEmpty()) {
            return true;
        }
        return highestOfGroup.topics.size() == 1 && highestOfGroup.topics.get(0).equals(key.positions.topics.get(0))
                && key.positions.positions.get(0).compareTo(highestOfGroup.positions.get(0)) > 0;
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
                    Positions ofKey = Positions.decode(entries.next().value(), names);
                    for (int i = 0; i < ofKey.topics.size(); i++) {
                        known.putIfLater(ofKey.topics.get(i), ofKey.positions.get(i));
                    }
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

    /** A position in one topic (partition): ledger, entry, index in the batch (-1 for none). */
    record Position(long ledger, long entry, int batchIndex) implements Comparable<Position> {
        static Position of(Message<?> message) {
            MessageIdAdv id = (MessageIdAdv) message.getMessageId();
            return new Position(id.getLedgerId(), id.getEntryId(), id.getBatchIndex());
        }

        @Override
        public int compareTo(Position other) {
            int byLedger = Long.compare(ledger, other.ledger);
            if (byLedger != 0) {
                return byLedger;
            }
            int byEntry = Long.compare(entry, other.entry);
            return byEntry != 0 ? byEntry : Integer.compare(batchIndex, other.batchIndex);
        }

        @Override
        public String toString() {
            return ledger + ":" + entry + (batchIndex >= 0 ? ":" + batchIndex : "");
        }
    }

    /** One key's last positions, by topic: usually one, more when several inputs share a key. */
    static final class Positions {
        private final List<String> topics = new ArrayList<>(1);
        private final List<Position> positions = new ArrayList<>(1);

        Position get(String topic) {
            int at = topics.indexOf(topic);
            return at < 0 ? null : positions.get(at);
        }

        /** Keeps the later of the known position and this one; true if this one was later. */
        boolean putIfLater(String topic, Position position) {
            Position known = get(topic);
            if (known != null && known.compareTo(position) >= 0) {
                return false;
            }
            put(topic, position);
            return true;
        }

        void put(String topic, Position position) {
            int at = topics.indexOf(topic);
            if (at < 0) {
                topics.add(topic);
                positions.add(position);
            } else {
                positions.set(at, position);
            }
        }

        /**
         * The format {@link DataOutputStream} gives (a count, then per topic its name in modified UTF-8 and
         * the position), written from names encoded once: a commit encodes a position per key it moved.
         */
        byte[] encode(TopicNames known) {
            byte[][] names = new byte[topics.size()][];
            int size = 2;
            for (int i = 0; i < names.length; i++) {
                names[i] = known.encoded(topics.get(i));
                size += names[i].length + 20;
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putShort((short) names.length);
            for (int i = 0; i < names.length; i++) {
                Position position = positions.get(i);
                out.put(names[i]).putLong(position.ledger()).putLong(position.entry()).putInt(position.batchIndex());
            }
            return out.array();
        }

        static Positions decode(byte[] encoded, TopicNames known) {
            Positions decoded = new Positions();
            try {
                ByteBuffer in = ByteBuffer.wrap(encoded);
                int count = Short.toUnsignedInt(in.getShort());
                for (int i = 0; i < count; i++) {
                    String topic = known.decode(in);
                    decoded.put(topic, new Position(in.getLong(), in.getLong(), in.getInt()));
                }
            } catch (RuntimeException e) {
                throw new UncheckedIOException("unreadable input positions of a key", new IOException(e));
            }
            return decoded;
        }
    }

    /**
     * Topic names in modified UTF-8 with their length, as {@link DataOutputStream#writeUTF} writes them,
     * each encoded once: a guard reads and writes the few topics of its inputs over and over.
     */
    static final class TopicNames {
        private final List<String> names = new ArrayList<>();
        private final List<byte[]> encoded = new ArrayList<>();

        byte[] encoded(String topic) {
            int at = names.indexOf(topic);
            if (at >= 0) {
                return encoded.get(at);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(topic.length() + 2);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(topic);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            names.add(topic);
            encoded.add(bytes.toByteArray());
            return encoded.get(encoded.size() - 1);
        }

        /** Reads a name, taking the known String for bytes seen before rather than decoding them again. */
        String decode(ByteBuffer in) {
            int length = Short.toUnsignedInt(in.getShort(in.position())) + 2;
            int from = in.arrayOffset() + in.position();
            byte[] array = in.array();
            for (int i = 0; i < encoded.size(); i++) {
                byte[] name = encoded.get(i);
                if (name.length == length && java.util.Arrays.equals(array, from, from + length, name, 0, length)) {
                    in.position(in.position() + length);
                    return names.get(i);
                }
            }
            String topic;
            try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(array, from, length))) {
                topic = data.readUTF();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            in.position(in.position() + length);
            names.add(topic);
            encoded.add(java.util.Arrays.copyOfRange(array, from, from + length));
            return topic;
        }
    }
}
