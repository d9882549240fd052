package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.Initializer;
import dev.tributary.dsl.Merger;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.plan.SessionAggregateNode;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.core.LateRecordException;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.state.BytesEntry;
import dev.tributary.state.BytesIterator;
import dev.tributary.state.WindowKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Session windows. A session is stored under its key and its last record's time (so one key's sessions
 * are adjacent, in time order, and indexed by their end), with its first record's time ahead of the
 * aggregate in the value. A record joins every open session of its key within the gap of it, merging
 * them; a closed session ({@code last + gap + grace} reached by stream time) is never joined again.
 */
final class SessionAggregation extends WindowedAggregation {
    private final long gap;
    private final long grace;
    private final Initializer<Object> initializer;
    private final Aggregator<Object, Object, Object> aggregator;
    private final Merger<Object, Object> merger;

    SessionAggregation(SessionAggregateNode node, TaskState state, Processor next, long idleAdvanceMs) {
        super(node.name(), node.store(), node.emit(), state, next, idleAdvanceMs,
                node.store().windows().sizeMs() + node.store().windows().graceMs(), node.store().windows().retentionMs(),
                // Sessions end at any time: look for closed ones after a twentieth of the gap at most.
                Math.min(1000, node.store().windows().sizeMs() / 20));
        this.gap = node.store().windows().sizeMs();
        this.grace = node.store().windows().graceMs();
        this.initializer = node.initializer();
        this.aggregator = node.aggregator();
        this.merger = node.merger();
    }

    private boolean closed(long end, long now) {
        return end + gap + grace <= now;
    }

    @Override
    protected void checkNotLate(long time, long now) {
        if (closed(time, now)) {
            throw new ProcessingException(name, new LateRecordException(name, time, time, time + 1, gap + grace, now),
                    false);
        }
    }

    private record Session(byte[] entry, long start, long end, Object aggregate) {
    }

    @Override
    protected void update(Record<Object, Object> record, byte[] key, int group, long now) {
        long time = record.timestamp();
        List<Session> joined = new ArrayList<>();
        byte[] from = WindowKeys.entry(key, Math.max(0, time - gap));
        byte[] to = WindowKeys.entry(key, Long.MAX_VALUE);
        try (BytesIterator sessions = bytes.range(group, from, to)) {
            while (sessions.hasNext()) {
                BytesEntry entry = sessions.next();
                ByteBuffer value = ByteBuffer.wrap(entry.value());
                long start = value.getLong();
                long end = WindowKeys.startOf(entry.key());
                if (start > time + gap) {
                    break;
                }
                if (closed(end, now)) {
                    continue;
                }
                joined.add(new Session(entry.key(), start, end,
                        valueSchema.decode(Arrays.copyOfRange(entry.value(), 8, entry.value().length))));
            }
        }
        long start = time;
        long end = time;
        Object aggregate = null;
        for (Session session : joined) {
            start = Math.min(start, session.start);
            end = Math.max(end, session.end);
            Object earlier = aggregate;
            aggregate = earlier == null ? session.aggregate
                    : apply(() -> merger.apply(record.key(), earlier, session.aggregate), describe(session));
        }
        Object current = aggregate;
        Object updated = apply(() -> aggregator.apply(record.key(), record.value(),
                current != null ? current : initializer.apply()), "[" + start + ", " + end + "]");
        for (Session session : joined) {
            access.put(group, session.entry, null);
            if (emit == EmitStrategy.Kind.ON_WINDOW_UPDATE) {
                // The session merged away is deleted downstream too.
                next.process(new Record<>(new Windowed<>(record.key(), session.start, session.end + 1), null, time,
                        Map.of()));
            }
        }
        byte[] encoded = valueSchema.encode(updated);
        access.put(group, WindowKeys.entry(key, end),
                ByteBuffer.allocate(8 + encoded.length).putLong(start).put(encoded).array());
        if (emit == EmitStrategy.Kind.ON_WINDOW_UPDATE) {
            next.process(new Record<>(new Windowed<>(record.key(), start, end + 1), updated, time, Map.of()));
        }
    }

    private static String describe(Session session) {
        return "[" + session.start + ", " + session.end + "]";
    }

    @Override
    protected void emitWindow(byte[] entry, byte[] value, long timestamp) {
        long end = WindowKeys.startOf(entry);
        long start = ByteBuffer.wrap(value).getLong();
        next.process(new Record<>(new Windowed<>(keySchema.decode(WindowKeys.keyOf(entry)), start, end + 1),
                valueSchema.decode(Arrays.copyOfRange(value, 8, value.length)), end, Map.of()));
    }
}
