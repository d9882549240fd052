package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.Initializer;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.plan.WindowAggregateNode;
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
 * Sliding windows of time difference {@code d}. Each window {@code [e - d, e]} is stored under its key
 * and its end {@code e} (ends are never negative, starts may be), with the times of its first and last
 * record ahead of the aggregate. For every record at {@code t} there is the window ending at it,
 * {@code L(t)}, and, while some record lies in {@code (t, t + d + 1]}, the one starting after it,
 * {@code R(t)}; no other window holds a distinct set of records.
 *
 * <p>The aggregators need not be invertible, so a new window's aggregate is taken from an existing
 * window that holds exactly its records (before the new one). For {@code L(t)}, with {@code p} the last
 * record before {@code t}: some window ending in {@code [t - d, t)} whose first record is at or after
 * {@code t - d} and whose last is {@code p} (either {@code L(p)} or the {@code R} of the last record
 * before {@code t - d}); for {@code R(t)}, with {@code x} and {@code n} the first and last records in
 * {@code (t, t + d + 1]}: the window whose first record is {@code x} and last is {@code n} ({@code L(n)}
 * or {@code R(p)}). So each record reads its key's windows ending in {@code [t - d - 1, t + d + 1]}, one
 * range read, and writes those holding it plus the up to three it creates.
 */
final class SlidingWindowAggregation extends WindowedAggregation {
    private static final int HEADER = 16;

    private final long difference;
    private final long grace;
    private final Initializer<Object> initializer;
    private final Aggregator<Object, Object, Object> aggregator;

    SlidingWindowAggregation(WindowAggregateNode node, TaskState state, Processor next, long idleAdvanceMs) {
        // Indexed by the end, a window closes when stream time passes its end (included) by the grace.
        super(node.name(), node.store(), node.emit(), state, next, idleAdvanceMs,
                node.store().windows().graceMs() + 1, node.store().windows().retentionMs(),
                Math.max(1, Math.min(1000, node.store().windows().sizeMs() / 20)));
        this.difference = node.store().windows().timeDifferenceMs();
        this.grace = node.store().windows().graceMs();
        this.initializer = node.initializer();
        this.aggregator = node.aggregator();
    }

    @Override
    protected void checkNotLate(long time, long now) {
        // The window ending at the record closes first; all later ones holding it are open while it is.
        if (time + 1 + grace <= now) {
            throw new ProcessingException(name, new LateRecordException(name, time, Math.max(0, time - difference),
                    time + 1, grace, now), false);
        }
    }

    /** A stored window as read before this record changed anything. */
    private record Window(long end, long first, long last, byte[] entry, byte[] value) {
        boolean endsAtRecord() {
            return last == end;
        }
    }

    @Override
    protected void update(Record<Object, Object> record, byte[] key, int group, long now) {
        long time = record.timestamp();
        List<Window> windows = new ArrayList<>();
        try (BytesIterator range = bytes.range(group, WindowKeys.entry(key, Math.max(0, time - difference - 1)),
                WindowKeys.entry(key, time + difference + 1))) {
            while (range.hasNext()) {
                BytesEntry entry = range.next();
                ByteBuffer value = ByteBuffer.wrap(entry.value());
                windows.add(new Window(WindowKeys.startOf(entry.key()), value.getLong(), value.getLong(), entry.key(),
                        entry.value()));
            }
        }
        // The records around this one, known by the windows that end at them.
        long previous = -1;
        long firstAfter = -1;
        long lastAfter = -1;
        boolean own = false;
        boolean ownRight = false;
        for (Window window : windows) {
            // A window ending at t, or at t + d + 1, may exist already as another record's R or L.
            own |= window.end == time;
            ownRight |= window.end == time + difference + 1;
            if (!window.endsAtRecord()) {
                continue;
            }
            if (window.end < time) {
                previous = window.end;
            } else if (window.end > time && window.end <= time + difference + 1) {
                firstAfter = firstAfter < 0 ? window.end : firstAfter;
                lastAfter = window.end;
            }
        }
        // The windows that hold this record: ending in [t, t + d].
        boolean previousRightExists = false;
        for (Window window : windows) {
            if (previous >= 0 && window.end == previous + difference + 1) {
                previousRightExists = true;
            }
            if (window.end >= time && window.end <= time + difference) {
                Object current = decode(window.value);
                write(record, key, group, window.end, Math.min(window.first, time), Math.max(window.last, time),
                        apply(() -> aggregator.apply(record.key(), record.value(), current), describe(window.end)));
            }
        }
        if (!own) {
            Object base;
            long first = time;
            if (previous >= time - difference && previous >= 0) {
                long last = previous;
                Window exact = find(windows, w -> w.end >= time - difference && w.end < time
                        && w.first >= time - difference && w.last == last, time, "ending at it");
                base = decode(exact.value);
                first = exact.first;
            } else {
                base = initializer.apply();
            }
            Object initial = base;
            write(record, key, group, time, first, time,
                    apply(() -> aggregator.apply(record.key(), record.value(), initial), describe(time)));
        }
        if (previous >= 0 && previous + difference + 1 >= time && !previousRightExists) {
            // The window after the previous record held nothing until now.
            write(record, key, group, previous + difference + 1, time, time,
                    apply(() -> aggregator.apply(record.key(), record.value(), initializer.apply()),
                            describe(previous + difference + 1)));
        }
        if (firstAfter >= 0 && !ownRight) {
            long first = firstAfter;
            long last = lastAfter;
            Window exact = find(windows, w -> w.first == first && w.last == last, time, "starting after it");
            write(record, key, group, time + difference + 1, first, last, decode(exact.value));
        }
    }

    private static Window find(List<Window> windows, java.util.function.Predicate<Window> exact, long time,
                               String which) {
        for (Window window : windows) {
            if (exact.test(window)) {
                return window;
            }
        }
        throw new IllegalStateException("no stored sliding window holds the records of the new window " + which
                + " (record time " + time + "); the window store is inconsistent");
    }

    private Object decode(byte[] value) {
        return valueSchema.decode(Arrays.copyOfRange(value, HEADER, value.length));
    }

    private String describe(long end) {
        return "[" + Math.max(0, end - difference) + ", " + (end + 1) + ")";
    }

    private void write(Record<Object, Object> record, byte[] key, int group, long end, long first, long last,
                       Object aggregate) {
        byte[] encoded = valueSchema.encode(aggregate);
        access.put(group, WindowKeys.entry(key, end),
                ByteBuffer.allocate(HEADER + encoded.length).putLong(first).putLong(last).put(encoded).array());
        if (emit == EmitStrategy.Kind.ON_WINDOW_UPDATE) {
            next.process(new Record<>(new Windowed<>(record.key(), Math.max(0, end - difference), end + 1), aggregate,
                    record.timestamp(), Map.of()));
        }
    }

    @Override
    protected void emitWindow(byte[] entry, byte[] value, long timestamp) {
        long end = WindowKeys.startOf(entry);
        next.process(new Record<>(new Windowed<>(keySchema.decode(WindowKeys.keyOf(entry)), Math.max(0, end - difference),
                end + 1), decode(value), end, Map.of()));
    }
}
