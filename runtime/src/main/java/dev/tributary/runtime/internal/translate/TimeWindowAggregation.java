package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.Aggregator;
import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.Initializer;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.plan.WindowAggregateNode;
import dev.tributary.dsl.plan.WindowSpec;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.core.LateRecordException;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.state.WindowKeys;
import java.util.Map;

/**
 * Tumbling and hopping windows: a window {@code [s, s + size)} starts at every multiple of the
 * advance, is indexed by its start, and closes when stream time reaches {@code s + size + grace}. A
 * record counts in each of its windows still open; one all of whose windows closed is late.
 */
final class TimeWindowAggregation extends WindowedAggregation {
    private final WindowSpec windows;
    private final Initializer<Object> initializer;
    private final Aggregator<Object, Object, Object> aggregator;

    TimeWindowAggregation(WindowAggregateNode node, TaskState state, Processor next, long idleAdvanceMs) {
        super(node.name(), node.store(), node.emit(), state, next, idleAdvanceMs,
                node.store().windows().sizeMs() + node.store().windows().graceMs(), node.store().windows().retentionMs(),
                node.store().windows().advanceMs());
        this.windows = node.store().windows();
        this.initializer = node.initializer();
        this.aggregator = node.aggregator();
    }

    @Override
    protected long nextToClose(long closedUpTo) {
        // Window starts are multiples of the advance.
        long next = closedUpTo + 1;
        long rest = next % windows.advanceMs();
        return rest == 0 ? next : next + windows.advanceMs() - rest;
    }

    private long latestStart(long time) {
        return time - time % windows.advanceMs();
    }

    @Override
    protected void checkNotLate(long time, long now) {
        long latest = latestStart(time);
        if (latest + windows.sizeMs() + windows.graceMs() <= now) {
            throw new ProcessingException(name, new LateRecordException(name, time, latest, latest + windows.sizeMs(),
                    windows.graceMs(), now), false);
        }
    }

    @Override
    protected void update(Record<Object, Object> record, byte[] key, int group, long now) {
        long time = record.timestamp();
        long size = windows.sizeMs();
        // Every window holding the record, latest first; those closed already are left as they are.
        for (long start = latestStart(time); start > time - size && start >= 0; start -= windows.advanceMs()) {
            if (start + size + windows.graceMs() <= now) {
                break;
            }
            byte[] entry = WindowKeys.entry(key, start);
            byte[] current = access.get(group, entry);
            Object updated = apply(() -> aggregator.apply(record.key(), record.value(),
                    current != null ? valueSchema.decode(current) : initializer.apply()),
                    "[" + start + ", " + (start + size) + ")");
            access.put(group, entry, valueSchema.encode(updated));
            if (emit == EmitStrategy.Kind.ON_WINDOW_UPDATE) {
                next.process(new Record<>(new Windowed<>(record.key(), start, start + size), updated, time, Map.of()));
            }
        }
    }

    @Override
    protected void emitWindow(byte[] entry, byte[] value, long timestamp) {
        long start = WindowKeys.startOf(entry);
        long end = start + windows.sizeMs();
        // A final result carries the window's last instant; an update written out at the commit, stream time.
        long time = emit == EmitStrategy.Kind.ON_WINDOW_CLOSE ? end - 1 : timestamp;
        next.process(new Record<>(new Windowed<>(keySchema.decode(WindowKeys.keyOf(entry)), start, end),
                valueSchema.decode(value), time, Map.of()));
    }
}
