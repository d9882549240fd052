package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.state.BytesIterator;
import dev.tributary.state.KeyGroupedStore;
import dev.tributary.state.RecordCache;
import dev.tributary.state.StoreAccess;
import dev.tributary.state.WindowKeys;
import org.apache.pulsar.client.api.Schema;

/**
 * What time and session windows share, per task. Per key group it keeps the stream time (the largest
 * record time seen) and how far windows were emitted as closed, in {@link KeyGroupTimes}, and how far
 * they were expired.
 *
 * <p>Each window has a time in the store's time index (its start, or a session's end). It closes when
 * stream time reaches that time plus {@code closeDelay}; final results are read back through the
 * index, in time order; windows expire when stream time reaches their index time plus
 * {@code retention}, and are deleted from the store and, by tombstones, from its changelog.
 */
abstract class WindowedAggregation implements Processor {
    private static final int CLOSED = 0;

    protected final String name;
    protected final EmitStrategy.Kind emit;
    protected final Schema<Object> keySchema;
    protected final Schema<Object> valueSchema;
    protected final StoreAccess access;
    protected final KeyGroupedStore bytes;
    protected final Processor next;
    private final KeyGroups keyGroups;
    private final StoreAccess logged;
    private final KeyGroupTimes times;
    private final long closeDelayMs;
    private final long retentionMs;
    /** How far stream time must move before closed windows are looked for again. */
    private final long closeStepMs;

    /** How far windows were expired, per key group: not logged, a restart looks again from the start. */
    private final long[] expiredUpTo;

    @SuppressWarnings("unchecked")
    WindowedAggregation(String name, StoreSpec store, EmitStrategy.Kind emit, TaskState state, Processor next,
                        long idleAdvanceMs, long closeDelayMs, long retentionMs, long closeStepMs) {
        this.name = name;
        this.emit = emit;
        this.keySchema = (Schema<Object>) store.keySchema();
        this.valueSchema = (Schema<Object>) store.valueSchema();
        this.keyGroups = state.keyGroups();
        this.access = state.access(store.name());
        this.logged = state.logged(store.name());
        this.bytes = state.bytes(store.name());
        this.next = next;
        this.closeDelayMs = closeDelayMs;
        this.retentionMs = retentionMs;
        this.closeStepMs = Math.max(1, closeStepMs);
        this.expiredUpTo = new long[keyGroups.count()];
        this.times = new KeyGroupTimes(state, logged, 1, idleAdvanceMs);
        times.hooks(this::beforeLog, group -> {
            if (emit == EmitStrategy.Kind.ON_WINDOW_CLOSE) {
                emitClosed(group);
            }
        });
        RecordCache cache = state.cache(store.name());
        if (emit == EmitStrategy.Kind.ON_COMMIT && cache != null) {
            cache.onFlush((group, key, value) -> {
                if (value != null && WindowKeys.isEntry(key)) {
                    emitWindow(key, value, Math.max(0, times.streamTime(group)));
                }
            });
        }
    }

    @Override
    public final void process(Record<Object, Object> record) {
        if (record.key() == null) {
            throw ProcessingException.invalid(name, "a record without a key cannot be counted in a window");
        }
        if (record.value() == null) {
            throw ProcessingException.invalid(name, "a record without a value cannot be counted in a window");
        }
        byte[] key;
        try {
            key = keySchema.encode(record.key());
        } catch (RuntimeException e) {
            throw new ProcessingException(name, e, false);
        }
        int group = keyGroups.ofKeyBytes(key);
        if (times.load(group)) {
            expiredUpTo[group] = KeyGroupTimes.NONE;
        }
        long now = Math.max(times.streamTime(group), record.timestamp());
        // Throws, before anything is written, for a record all of whose windows have closed.
        checkNotLate(record.timestamp(), now);
        times.observe(group, record.timestamp());
        update(record, key, group, now);
        if (emit == EmitStrategy.Kind.ON_WINDOW_CLOSE) {
            emitClosed(group);
        }
    }

    /** Throws a late-record failure if every window of a record of this time has closed at stream time {@code now}. */
    protected abstract void checkNotLate(long time, long now);

    /** Folds the record into its open windows. */
    protected abstract void update(Record<Object, Object> record, byte[] key, int group, long now);

    /** Sends a stored window downstream (a final result, or a change written out at the commit). */
    protected abstract void emitWindow(byte[] entry, byte[] value, long timestamp);

    /**
     * The earliest index time that may close (or expire) after those up to {@code closedUpTo} did: scans
     * for closed or expired windows wait for it, rather than run on every record or commit that moves
     * stream time.
     */
    protected long nextToClose(long closedUpTo) {
        return closedUpTo + closeStepMs;
    }

    /** Folds a value in with user code, naming the node if it throws or gives null. */
    protected final Object apply(java.util.function.Supplier<Object> call, String window) {
        Object updated;
        try {
            updated = call.get();
        } catch (RuntimeException e) {
            throw new ProcessingException(name, e);
        }
        if (updated == null) {
            throw ProcessingException.invalid(name, "the aggregation returned null for window " + window);
        }
        return updated;
    }

    /** Emits the final result of every window closed since the last time, in time order. */
    private void emitClosed(int group) {
        long upTo = times.streamTime(group) - closeDelayMs;
        long closedUpTo = times.mark(CLOSED, group);
        if (upTo < 0 || upTo < nextToClose(closedUpTo)) {
            return;
        }
        // Windows still in the record cache are not in the time index yet.
        access.flush();
        try (BytesIterator index = bytes.range(group, WindowKeys.indexFrom(closedUpTo + 1), null)) {
            while (index.hasNext()) {
                byte[] indexKey = index.next().key();
                if (indexKey[0] != WindowKeys.INDEX || WindowKeys.indexStart(indexKey) > upTo) {
                    break;
                }
                byte[] entry = WindowKeys.entryOfIndex(indexKey);
                byte[] value = bytes.get(group, entry);
                if (value != null) {
                    emitWindow(entry, value, WindowKeys.indexStart(indexKey));
                }
            }
        }
        times.setMark(CLOSED, group, upTo);
    }

    /** After the commit's writes: old windows expire before the marks are logged, so the marks never run ahead. */
    private void beforeLog(int group) {
        expire(group);
    }

    /** Deletes the windows past retention, with a tombstone each in the changelog. */
    private void expire(int group) {
        long cutoff = times.streamTime(group) - retentionMs;
        if (emit == EmitStrategy.Kind.ON_WINDOW_CLOSE) {
            // A window is emitted before it may go.
            cutoff = Math.min(cutoff, times.mark(CLOSED, group));
        }
        // As with closing: no index time between the last cutoff and the next one that may hold windows.
        if (cutoff < 0 || cutoff < nextToClose(expiredUpTo[group])) {
            return;
        }
        try (BytesIterator index = bytes.range(group, WindowKeys.indexFrom(expiredUpTo[group] + 1), null)) {
            while (index.hasNext()) {
                byte[] indexKey = index.next().key();
                if (indexKey[0] != WindowKeys.INDEX || WindowKeys.indexStart(indexKey) > cutoff) {
                    break;
                }
                logged.put(group, WindowKeys.entryOfIndex(indexKey), null);
            }
        }
        expiredUpTo[group] = cutoff;
    }
}
