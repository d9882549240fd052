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
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.state.BytesEntry;
import dev.tributary.state.BytesIterator;
import dev.tributary.state.KeyGroupedStore;
import dev.tributary.state.RecordCache;
import dev.tributary.state.StoreAccess;
import dev.tributary.state.WindowKeys;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;

/**
 * One windowed aggregation of one task. Per key group it keeps the stream time (the largest record
 * time seen), the start of the last window emitted as closed, and how far windows were expired; these
 * marks are logged with the key group's windows after each commit's writes, so a restart, a restore
 * or a new owner continues them and a window closed before never reopens.
 *
 * <p>A window {@code [s, s + size)} closes when stream time reaches {@code s + size + grace}. A record
 * all of whose windows closed is late: it is refused before anything is written, and goes to the
 * late-records route. Final results are read back from the store through its time index; expired
 * windows are deleted from the store and, by tombstones, from its changelog.
 */
final class WindowAggregation implements Processor {
    private static final long NONE = -1;

    private final String name;
    private final WindowSpec windows;
    private final EmitStrategy.Kind emit;
    private final Initializer<Object> initializer;
    private final Aggregator<Object, Object, Object> aggregator;
    private final Schema<Object> keySchema;
    private final Schema<Object> valueSchema;
    private final KeyGroups keyGroups;
    private final TaskState state;
    private final StoreAccess access;
    private final StoreAccess logged;
    private final KeyGroupedStore bytes;
    private final Processor next;
    private final long idleAdvanceMs;

    private final long[] streamTime;
    private final long[] closedUpTo;
    private final long[] expiredUpTo;
    private final long[] lastRecordWallClock;
    private final int[] loadedEpoch;
    private final BitSet loaded = new BitSet();
    private final BitSet dirty = new BitSet();
    private long nextIdleCheck;
    /** The latest wall-clock time the task loop (or the test driver's virtual clock) reported. */
    private long wallNow = System.currentTimeMillis();

    @SuppressWarnings("unchecked")
    WindowAggregation(WindowAggregateNode node, TaskState state, Processor next, long idleAdvanceMs) {
        String store = node.store().name();
        this.name = node.name();
        this.windows = node.store().windows();
        this.emit = node.emit();
        this.initializer = node.initializer();
        this.aggregator = node.aggregator();
        this.keySchema = (Schema<Object>) node.store().keySchema();
        this.valueSchema = (Schema<Object>) node.store().valueSchema();
        this.keyGroups = state.keyGroups();
        this.state = state;
        this.access = state.access(store);
        this.logged = state.logged(store);
        this.bytes = state.bytes(store);
        this.next = next;
        this.idleAdvanceMs = idleAdvanceMs;
        int groups = keyGroups.count();
        this.streamTime = new long[groups];
        this.closedUpTo = new long[groups];
        this.expiredUpTo = new long[groups];
        this.lastRecordWallClock = new long[groups];
        this.loadedEpoch = new int[groups];
        RecordCache cache = state.cache(store);
        if (emit == EmitStrategy.Kind.ON_COMMIT && cache != null) {
            cache.onFlush(this::emitFlushed);
        }
        state.afterFlush(this::afterFlush);
        state.onWallClock(this::wallClock);
    }

    @Override
    public void process(Record<Object, Object> record) {
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
        load(group);
        long time = record.timestamp();
        long now = Math.max(streamTime[group], time);
        long size = windows.sizeMs();
        long grace = windows.graceMs();
        long latest = time - time % windows.advanceMs();
        if (latest + size + grace <= now) {
            throw new ProcessingException(name, new LateRecordException(name, time, latest, latest + size, grace, now),
                    false);
        }
        if (now != streamTime[group]) {
            streamTime[group] = now;
            dirty.set(group);
        }
        lastRecordWallClock[group] = wallNow;
        // Every window holding the record, latest first; those closed already are left as they are.
        for (long start = latest; start > time - size && start >= 0; start -= windows.advanceMs()) {
            if (start + size + grace <= now) {
                break;
            }
            byte[] entry = WindowKeys.entry(key, start);
            Object updated;
            try {
                byte[] current = access.get(group, entry);
                updated = aggregator.apply(record.key(), record.value(),
                        current != null ? valueSchema.decode(current) : initializer.apply());
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
            if (updated == null) {
                throw ProcessingException.invalid(name, "the aggregator returned null for window [" + start + ", "
                        + (start + size) + ")");
            }
            access.put(group, entry, valueSchema.encode(updated));
            if (emit == EmitStrategy.Kind.ON_WINDOW_UPDATE) {
                next.process(new Record<>(new Windowed<>(record.key(), start, start + size), updated, time,
                        Map.of()));
            }
        }
        if (emit == EmitStrategy.Kind.ON_WINDOW_CLOSE) {
            emitClosed(group);
        }
    }

    /** Reads a key group's marks the first time it is used since it started running here. */
    private void load(int group) {
        int epoch = state.ownEpoch(group);
        if (loaded.get(group) && loadedEpoch[group] == epoch) {
            return;
        }
        byte[] marks = logged.get(group, WindowKeys.marks());
        if (marks != null && marks.length >= 16) {
            ByteBuffer buffer = ByteBuffer.wrap(marks);
            streamTime[group] = buffer.getLong();
            closedUpTo[group] = buffer.getLong();
        } else {
            streamTime[group] = NONE;
            closedUpTo[group] = NONE;
        }
        expiredUpTo[group] = NONE;
        lastRecordWallClock[group] = wallNow;
        loadedEpoch[group] = epoch;
        loaded.set(group);
        dirty.clear(group);
    }

    /** The latest window start that is closed at the key group's stream time, or NONE. */
    private long lastClosedStart(int group) {
        long cutoff = streamTime[group] - windows.sizeMs() - windows.graceMs();
        if (cutoff < 0) {
            return NONE;
        }
        return cutoff - cutoff % windows.advanceMs();
    }

    /** Emits the final result of every window closed since the last time, in window order. */
    private void emitClosed(int group) {
        long upTo = lastClosedStart(group);
        if (upTo <= closedUpTo[group]) {
            return;
        }
        long from = closedUpTo[group] + 1;
        try (BytesIterator index = bytes.range(group, WindowKeys.indexFrom(from), null)) {
            while (index.hasNext()) {
                byte[] indexKey = index.next().key();
                if (indexKey[0] != WindowKeys.INDEX || WindowKeys.indexStart(indexKey) > upTo) {
                    break;
                }
                byte[] entry = WindowKeys.entryOfIndex(indexKey);
                byte[] value = bytes.get(group, entry);
                if (value != null) {
                    long start = WindowKeys.startOf(entry);
                    next.process(new Record<>(new Windowed<>(keySchema.decode(WindowKeys.keyOf(entry)), start,
                            start + windows.sizeMs()), valueSchema.decode(value), start + windows.sizeMs() - 1,
                            Map.of()));
                }
            }
        }
        closedUpTo[group] = upTo;
        dirty.set(group);
    }

    /** A changed window written out by the record cache, at the commit (emit on commit). */
    private void emitFlushed(int group, byte[] key, byte[] value) {
        if (value == null || !WindowKeys.isEntry(key)) {
            return;
        }
        long start = WindowKeys.startOf(key);
        next.process(new Record<>(new Windowed<>(keySchema.decode(WindowKeys.keyOf(key)), start,
                start + windows.sizeMs()), valueSchema.decode(value), Math.max(0, streamTime[group]), Map.of()));
    }

    /** After the commit's writes: expire old windows, then log the marks, last, so they never run ahead. */
    private void afterFlush() {
        BitSet owned = state.owned();
        for (int group = dirty.nextSetBit(0); group >= 0; group = dirty.nextSetBit(group + 1)) {
            if (!owned.get(group)) {
                continue;
            }
            expire(group);
            ByteBuffer marks = ByteBuffer.allocate(16).putLong(streamTime[group]).putLong(closedUpTo[group]);
            logged.put(group, WindowKeys.marks(), marks.array());
        }
        dirty.clear();
    }

    /** Deletes the windows past retention, with a tombstone each in the changelog. */
    private void expire(int group) {
        long cutoff = streamTime[group] - windows.retentionMs();
        if (cutoff < 0 || cutoff <= expiredUpTo[group]) {
            return;
        }
        if (emit == EmitStrategy.Kind.ON_WINDOW_CLOSE) {
            // A window is emitted before it may go.
            cutoff = Math.min(cutoff, closedUpTo[group]);
        }
        long from = expiredUpTo[group] + 1;
        try (BytesIterator index = bytes.range(group, WindowKeys.indexFrom(from), null)) {
            while (index.hasNext()) {
                BytesEntry next = index.next();
                byte[] indexKey = next.key();
                if (indexKey[0] != WindowKeys.INDEX || WindowKeys.indexStart(indexKey) > cutoff) {
                    break;
                }
                logged.put(group, WindowKeys.entryOfIndex(indexKey), null);
            }
        }
        expiredUpTo[group] = cutoff;
    }

    /**
     * With windows.idle.advance, a key group that received nothing for that long follows the wall
     * clock, that far behind, so that its windows close.
     */
    private void wallClock(long now) {
        wallNow = now;
        if (idleAdvanceMs <= 0 || now < nextIdleCheck) {
            return;
        }
        nextIdleCheck = now + Math.min(1000, idleAdvanceMs);
        BitSet owned = state.owned();
        for (int group = loaded.nextSetBit(0); group >= 0; group = loaded.nextSetBit(group + 1)) {
            if (!owned.get(group) || loadedEpoch[group] != state.ownEpoch(group) || streamTime[group] < 0
                    || now - lastRecordWallClock[group] < idleAdvanceMs) {
                continue;
            }
            long advanced = now - idleAdvanceMs;
            if (advanced > streamTime[group]) {
                streamTime[group] = advanced;
                dirty.set(group);
                if (emit == EmitStrategy.Kind.ON_WINDOW_CLOSE) {
                    emitClosed(group);
                }
            }
        }
    }
}
