package dev.tributary.runtime.internal.translate;

import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.state.StoreAccess;
import dev.tributary.state.WindowKeys;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.function.IntConsumer;

/**
 * The time marks of a windowed operator, per key group: the stream time (the largest record time
 * seen) and a few marks of the operator's own (how far windows were closed). They are read from the
 * store the first time a key group is used since it started running here, and logged after each
 * commit's writes, last, so that a restart, a restore or a new owner continues them and a window
 * closed before never reopens. With windows.idle.advance, a key group that received nothing for that
 * long follows the wall clock, that far behind.
 */
final class KeyGroupTimes {
    static final long NONE = -1;

    private final TaskState state;
    private final StoreAccess logged;
    private final long idleAdvanceMs;
    private final long[] streamTime;
    private final long[][] marks;
    private final long[] lastRecordWallClock;
    private final int[] loadedEpoch;
    private final BitSet loaded = new BitSet();
    private final BitSet dirty = new BitSet();
    private IntConsumer beforeLog = group -> { };
    private IntConsumer advanced = group -> { };
    private long nextIdleCheck;
    /** The latest wall-clock time the task loop (or the test driver's virtual clock) reported. */
    private long wallNow = System.currentTimeMillis();

    /**
     * @param logged the store the marks are kept in, under {@link WindowKeys#marks()}
     * @param markCount how many marks of its own the operator keeps per key group
     */
    KeyGroupTimes(TaskState state, StoreAccess logged, int markCount, long idleAdvanceMs) {
        this.state = state;
        this.logged = logged;
        this.idleAdvanceMs = idleAdvanceMs;
        int groups = state.keyGroups().count();
        this.streamTime = new long[groups];
        this.marks = new long[markCount][groups];
        this.lastRecordWallClock = new long[groups];
        this.loadedEpoch = new int[groups];
        state.afterFlush(this::afterFlush);
        state.onWallClock(this::wallClock);
    }

    /**
     * @param beforeLog runs for each changed key group after the commit's writes, before its marks are logged
     * @param advanced runs for a key group whose stream time the wall clock moved
     */
    void hooks(IntConsumer beforeLog, IntConsumer advanced) {
        this.beforeLog = beforeLog;
        this.advanced = advanced;
    }

    /** Reads a key group's marks if it is new here; returns whether it was, so the caller resets what it keeps of it. */
    boolean load(int group) {
        int epoch = state.ownEpoch(group);
        if (loaded.get(group) && loadedEpoch[group] == epoch) {
            return false;
        }
        byte[] stored = logged.get(group, WindowKeys.marks());
        boolean present = stored != null && stored.length >= 8 * (1 + marks.length);
        ByteBuffer buffer = present ? ByteBuffer.wrap(stored) : null;
        streamTime[group] = present ? buffer.getLong() : NONE;
        for (long[] mark : marks) {
            mark[group] = present ? buffer.getLong() : NONE;
        }
        lastRecordWallClock[group] = wallNow;
        loadedEpoch[group] = epoch;
        loaded.set(group);
        dirty.clear(group);
        return true;
    }

    long streamTime(int group) {
        return streamTime[group];
    }

    /** A record of this time arrived: stream time moves to it if it is later; returns the stream time. */
    long observe(int group, long time) {
        lastRecordWallClock[group] = wallNow;
        if (time > streamTime[group]) {
            streamTime[group] = time;
            dirty.set(group);
        }
        return streamTime[group];
    }

    long mark(int index, int group) {
        return marks[index][group];
    }

    void setMark(int index, int group, long value) {
        marks[index][group] = value;
        dirty.set(group);
    }

    private void afterFlush() {
        BitSet owned = state.owned();
        for (int group = dirty.nextSetBit(0); group >= 0; group = dirty.nextSetBit(group + 1)) {
            if (!owned.get(group)) {
                continue;
            }
            beforeLog.accept(group);
            ByteBuffer buffer = ByteBuffer.allocate(8 * (1 + marks.length)).putLong(streamTime[group]);
            for (long[] mark : marks) {
                buffer.putLong(mark[group]);
            }
            logged.put(group, WindowKeys.marks(), buffer.array());
        }
        dirty.clear();
    }

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
            long moved = now - idleAdvanceMs;
            if (moved > streamTime[group]) {
                streamTime[group] = moved;
                dirty.set(group);
                advanced.accept(group);
            }
        }
    }
}
