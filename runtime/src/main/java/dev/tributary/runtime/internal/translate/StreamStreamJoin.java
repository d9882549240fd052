package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.ValueJoiner;
import dev.tributary.dsl.plan.StreamStreamJoinNode;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.core.LateRecordException;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.state.BytesEntry;
import dev.tributary.state.BytesIterator;
import dev.tributary.state.KeyGroupedStore;
import dev.tributary.state.StoreAccess;
import dev.tributary.state.WindowKeys;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.pulsar.client.api.Schema;

/**
 * A windowed stream-stream join in one task: both sides' records, kept by key and time in one window
 * store per side, and per key group one stream time over both sides, how far each side's windows were
 * closed, and (in memory) how far each side's records were expired.
 *
 * <p>A record of the left side at {@code t} meets the right side's records in {@code [t - before,
 * t + after]}; a right record sees that window mirrored. A record's window closes when stream time
 * passes {@code t + after + grace} (mirrored for the right side): then a record that met nothing is
 * emitted alone, if its side's join kind says so, and a record arriving for a closed window is late.
 * A record never meets one whose window closed, since that one may have been emitted alone already:
 * that is what keeps a left or outer result with null from ever being followed by a match of the same
 * record. A record is deleted once no record still inside the grace could meet it.
 *
 * <p>An entry (key, time) holds every record of that key and time, each with a flag saying whether
 * it met something. The marks are kept by {@link KeyGroupTimes}; with windows.idle.advance the wall
 * clock moves a quiet key group's stream time, so that its lone records are emitted.
 */
final class StreamStreamJoin {
    private static final byte MATCHED = 1;

    private final String name;
    private final KeyGroups keyGroups;
    private final TaskState state;
    private final Schema<Object> keySchema;
    private final ValueJoiner<Object, Object, Object> joiner;
    private final Processor next;
    private final long idleAdvanceMs;
    private Side left;
    private Side right;
    /** Stream time over both sides, and how far each side's windows were closed (marks 0 and 1), in the left store. */
    private KeyGroupTimes times;

    /** One side: its store, its window bounds (as seen from its records), and its closing marks. */
    private final class Side {
        final String node;
        final boolean isLeft;
        final long before;
        final long after;
        final long grace;
        final boolean emitsUnmatched;
        final Schema<Object> valueSchema;
        final StoreAccess logged;
        final KeyGroupedStore bytes;
        /** Which of the join's marks says how far this side's windows were closed. */
        final int closedMark;
        final long[] expiredUpTo;
        Side other;

        @SuppressWarnings("unchecked")
        Side(StreamStreamJoinNode node, long before, long after) {
            this.node = node.name();
            this.isLeft = node.leftSide();
            this.before = before;
            this.after = after;
            this.grace = node.graceMs();
            this.emitsUnmatched = node.emitsUnmatched();
            this.valueSchema = (Schema<Object>) node.thisStore().valueSchema();
            this.logged = state.logged(node.thisStore().name());
            this.bytes = state.bytes(node.thisStore().name());
            this.closedMark = isLeft ? 0 : 1;
            this.expiredUpTo = new long[keyGroups.count()];
        }

        /** Whether a record of this side at {@code time} can meet nothing more at stream time {@code now}. */
        boolean closed(long time, long now) {
            return time + after + grace < now;
        }

        /** How long after its time a record of this side is kept: while the other side's records in the grace could meet it. */
        long retention() {
            return before + after + grace + 1;
        }
    }

    /**
     * @param node either side's node: what they share (the join's name, key schema, joiner and bounds)
     */
    @SuppressWarnings("unchecked")
    StreamStreamJoin(StreamStreamJoinNode node, TaskState state, Processor next, long idleAdvanceMs) {
        this.name = node.join();
        this.keyGroups = state.keyGroups();
        this.state = state;
        this.keySchema = (Schema<Object>) node.thisStore().keySchema();
        this.joiner = node.joiner();
        this.next = next;
        this.idleAdvanceMs = idleAdvanceMs;
    }

    /** The processor of one side's records; both sides are made before any record arrives. */
    Processor side(StreamStreamJoinNode node) {
        // The node's bounds are the left side's; the right side sees them mirrored.
        Side side = node.leftSide() ? new Side(node, node.beforeMs(), node.afterMs())
                : new Side(node, node.afterMs(), node.beforeMs());
        if (node.leftSide()) {
            left = side;
        } else {
            right = side;
        }
        if (left != null && right != null) {
            left.other = right;
            right.other = left;
            times = new KeyGroupTimes(state, left.logged, 2, idleAdvanceMs);
            times.hooks(group -> {
                expire(left, group);
                expire(right, group);
            }, group -> {
                emitClosed(left, group);
                emitClosed(right, group);
            });
        }
        return record -> process(side, record);
    }

    private void process(Side side, Record<Object, Object> record) {
        if (record.key() == null) {
            throw ProcessingException.invalid(side.node, "a record without a key cannot be joined");
        }
        if (record.value() == null) {
            throw ProcessingException.invalid(side.node, "a record without a value cannot be joined");
        }
        byte[] key;
        byte[] value;
        try {
            key = keySchema.encode(record.key());
            value = side.valueSchema.encode(record.value());
        } catch (RuntimeException e) {
            throw new ProcessingException(side.node, e, false);
        }
        int group = keyGroups.ofKeyBytes(key);
        if (times.load(group)) {
            left.expiredUpTo[group] = KeyGroupTimes.NONE;
            right.expiredUpTo[group] = KeyGroupTimes.NONE;
        }
        long time = record.timestamp();
        long now = Math.max(times.streamTime(group), time);
        if (side.closed(time, now)) {
            throw new ProcessingException(side.node, new LateRecordException(side.node, time,
                    Math.max(0, time - side.before), time + side.after + 1, side.grace, now), false);
        }
        times.observe(group, time);
        boolean matched = meet(side, record, key, group, now);
        byte[] entry = WindowKeys.entry(key, time);
        byte[] held = side.logged.get(group, entry);
        side.logged.put(group, entry, append(held, matched, value));
        emitClosed(left, group);
        emitClosed(right, group);
    }

    /** Joins the record with the other side's records in its window; returns whether it met any. */
    private boolean meet(Side side, Record<Object, Object> record, byte[] key, int group, long now) {
        Side other = side.other;
        long time = record.timestamp();
        long from = Math.max(0, time - side.before);
        long to = time + side.after;
        List<byte[]> entries = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        try (BytesIterator range = other.bytes.range(group, WindowKeys.entry(key, from), WindowKeys.entry(key, to))) {
            while (range.hasNext()) {
                BytesEntry found = range.next();
                entries.add(found.key());
                values.add(found.value());
            }
        }
        boolean matched = false;
        for (int i = 0; i < entries.size(); i++) {
            byte[] entry = entries.get(i);
            long otherTime = WindowKeys.startOf(entry);
            if (other.emitsUnmatched && other.closed(otherTime, now)) {
                continue;
            }
            byte[] held = values.get(i).clone();
            boolean changed = false;
            ByteBuffer buffer = ByteBuffer.wrap(held);
            while (buffer.hasRemaining()) {
                int flagAt = buffer.position();
                byte flags = buffer.get();
                byte[] otherValue = new byte[buffer.getInt()];
                buffer.get(otherValue);
                Object decoded = other.valueSchema.decode(otherValue);
                Object joined = Joiners.join(side.node, joiner, side.isLeft ? record.value() : decoded,
                        side.isLeft ? decoded : record.value());
                next.process(record.withValue(joined).withTimestamp(Math.max(time, otherTime)));
                matched = true;
                if ((flags & MATCHED) == 0 && other.emitsUnmatched) {
                    held[flagAt] = (byte) (flags | MATCHED);
                    changed = true;
                }
            }
            if (changed) {
                other.logged.put(group, entry, held);
            }
        }
        return matched;
    }

    private static byte[] append(byte[] held, boolean matched, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((held == null ? 0 : held.length) + 5 + value.length);
        if (held != null) {
            out.writeBytes(held);
        }
        out.write(matched ? MATCHED : 0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        out.writeBytes(value);
        return out.toByteArray();
    }

    /** Emits, alone and in time order, the side's records that met nothing and whose windows closed since the last time. */
    private void emitClosed(Side side, int group) {
        if (!side.emitsUnmatched) {
            return;
        }
        long upTo = times.streamTime(group) - side.after - side.grace - 1;
        long closedUpTo = times.mark(side.closedMark, group);
        if (upTo <= closedUpTo) {
            return;
        }
        try (BytesIterator index = side.bytes.range(group, WindowKeys.indexFrom(closedUpTo + 1),
                WindowKeys.indexFrom(upTo + 1))) {
            while (index.hasNext()) {
                byte[] indexKey = index.next().key();
                if (indexKey[0] != WindowKeys.INDEX || WindowKeys.indexStart(indexKey) > upTo) {
                    break;
                }
                byte[] entry = WindowKeys.entryOfIndex(indexKey);
                byte[] held = side.bytes.get(group, entry);
                if (held != null) {
                    emitUnmatched(side, entry, held);
                }
            }
        }
        times.setMark(side.closedMark, group, upTo);
    }

    private void emitUnmatched(Side side, byte[] entry, byte[] held) {
        Object key = null;
        long time = WindowKeys.startOf(entry);
        ByteBuffer buffer = ByteBuffer.wrap(held);
        while (buffer.hasRemaining()) {
            byte flags = buffer.get();
            byte[] value = new byte[buffer.getInt()];
            buffer.get(value);
            if ((flags & MATCHED) != 0) {
                continue;
            }
            if (key == null) {
                key = keySchema.decode(WindowKeys.keyOf(entry));
            }
            Object decoded = side.valueSchema.decode(value);
            Object joined = Joiners.join(side.node, joiner, side.isLeft ? decoded : null, side.isLeft ? null : decoded);
            next.process(new Record<>(key, joined, time, java.util.Map.of()));
        }
    }

    /** Deletes the side's records no record still inside the grace could meet, with a tombstone each in the changelog. */
    private void expire(Side side, int group) {
        long cutoff = times.streamTime(group) - side.retention();
        if (side.emitsUnmatched) {
            // A record that met nothing is emitted before it may go.
            cutoff = Math.min(cutoff, times.mark(side.closedMark, group));
        }
        if (cutoff <= side.expiredUpTo[group]) {
            return;
        }
        List<byte[]> expired = new ArrayList<>();
        try (BytesIterator index = side.bytes.range(group, WindowKeys.indexFrom(side.expiredUpTo[group] + 1),
                WindowKeys.indexFrom(cutoff + 1))) {
            while (index.hasNext()) {
                byte[] indexKey = index.next().key();
                if (indexKey[0] != WindowKeys.INDEX || WindowKeys.indexStart(indexKey) > cutoff) {
                    break;
                }
                expired.add(WindowKeys.entryOfIndex(indexKey));
            }
        }
        for (byte[] entry : expired) {
            side.logged.put(group, entry, null);
        }
        side.expiredUpTo[group] = cutoff;
    }

    @Override
    public String toString() {
        return "stream-stream join " + name;
    }
}
