package dev.tributary.dsl.plan;

/**
 * The windows of a windowed store, in milliseconds of record time: size and advance (equal for
 * tumbling windows), the grace period after a window's end during which late records still count,
 * and how long a window is kept.
 *
 * @param sizeMs a window's length (a sliding window's time difference plus one, since both its ends
 *     are included; a session's inactivity gap)
 * @param advanceMs the distance between two windows' starts (time windows only)
 * @param graceMs how long after its end a window still accepts records
 * @param retentionMs how long a window is kept after the time it is indexed by (a time window's
 *     start, a sliding window's or a session's end); at least size + grace
 * @param kind which windows these are
 */
public record WindowSpec(long sizeMs, long advanceMs, long graceMs, long retentionMs, Kind kind) {
    /** The kinds of windows. */
    public enum Kind {
        /** Tumbling or hopping windows, aligned to the epoch. */
        TIME,
        /** Sliding windows: one window ending at each record, and one starting just after it. */
        SLIDING,
        /** Session windows: a key's bursts of activity. */
        SESSION,
        /** The records of one side of a stream-stream join, kept by their time. */
        JOIN
    }

    /**
     * Time windows.
     *
     * @param sizeMs a window's length
     * @param advanceMs the distance between two windows' starts
     * @param graceMs how long after its end a window still accepts records
     * @param retentionMs how long after its start a window is kept
     */
    public WindowSpec(long sizeMs, long advanceMs, long graceMs, long retentionMs) {
        this(sizeMs, advanceMs, graceMs, retentionMs, Kind.TIME);
    }

    /**
     * Session windows.
     *
     * @param gapMs the inactivity gap that ends a session
     * @param graceMs how long after a session could last be extended it still accepts records
     * @param retentionMs how long after its end a session is kept; at least gap + grace
     * @return the spec
     */
    public static WindowSpec sessions(long gapMs, long graceMs, long retentionMs) {
        return new WindowSpec(gapMs, gapMs, graceMs, retentionMs, Kind.SESSION);
    }

    /**
     * Sliding windows.
     *
     * @param timeDifferenceMs the largest distance between two records of one window
     * @param graceMs how long after its end a window still accepts records
     * @param retentionMs how long after its end a window is kept; at least the time difference + 1 + grace
     * @return the spec
     */
    public static WindowSpec sliding(long timeDifferenceMs, long graceMs, long retentionMs) {
        return new WindowSpec(timeDifferenceMs + 1, timeDifferenceMs + 1, graceMs, retentionMs, Kind.SLIDING);
    }

    /**
     * The window store of one side of a stream-stream join: records are kept by their own time, for as
     * long as a record of the other side inside the grace could still meet them.
     *
     * @param beforeMs how far before a left record a right record may be
     * @param afterMs how far after a left record a right record may be
     * @param graceMs how long after a window's end records still join
     * @return the spec
     */
    public static WindowSpec join(long beforeMs, long afterMs, long graceMs) {
        long size = beforeMs + afterMs + 1;
        return new WindowSpec(size, size, graceMs, size + graceMs, Kind.JOIN);
    }

    /**
     * Checks the bounds.
     *
     * @param sizeMs a window's length
     * @param advanceMs the distance between two windows' starts
     * @param graceMs how long after its end a window still accepts records
     * @param retentionMs how long a window is kept
     * @param kind which windows these are
     */
    public WindowSpec {
        if (kind == null || sizeMs <= 0 || advanceMs <= 0 || advanceMs > sizeMs || graceMs < 0
                || retentionMs < sizeMs + graceMs) {
            throw new IllegalArgumentException(kind + " windows of size " + sizeMs + " ms, advance " + advanceMs
                    + " ms, grace " + graceMs + " ms and retention " + retentionMs + " ms are not valid");
        }
    }

    /**
     * @return whether these are session windows
     */
    public boolean session() {
        return kind == Kind.SESSION;
    }

    /**
     * @return whether these are sliding windows
     */
    public boolean sliding() {
        return kind == Kind.SLIDING;
    }

    /**
     * @return a sliding window's time difference: its size less one
     */
    public long timeDifferenceMs() {
        return sizeMs - 1;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SESSION -> "sessions, gap " + sizeMs + " ms, grace " + graceMs + " ms, retention " + retentionMs + " ms";
            case SLIDING -> "sliding, time difference " + timeDifferenceMs() + " ms, grace " + graceMs
                    + " ms, retention " + retentionMs + " ms";
            case JOIN -> "join, time span " + sizeMs + " ms, grace " + graceMs + " ms";
            case TIME -> (sizeMs == advanceMs ? "tumbling " + sizeMs + " ms" : "hopping " + sizeMs + " ms by "
                    + advanceMs + " ms") + ", grace " + graceMs + " ms, retention " + retentionMs + " ms";
        };
    }
}
