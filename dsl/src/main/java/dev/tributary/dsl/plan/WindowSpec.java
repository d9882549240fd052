package dev.tributary.dsl.plan;

/**
 * The windows of a windowed store, in milliseconds of record time: size and advance (equal for
 * tumbling windows), the grace period after a window's end during which late records still count,
 * and how long a window is kept once it started.
 *
 * @param sizeMs a window's length
 * @param advanceMs the distance between two windows' starts
 * @param graceMs how long after its end a window still accepts records
 * @param retentionMs how long after its start a window is kept; at least size + grace
 * @param session true for session windows: then {@code sizeMs} is the inactivity gap, and retention
 *     counts from a session's end
 */
public record WindowSpec(long sizeMs, long advanceMs, long graceMs, long retentionMs, boolean session) {
    /**
     * Time windows.
     *
     * @param sizeMs a window's length
     * @param advanceMs the distance between two windows' starts
     * @param graceMs how long after its end a window still accepts records
     * @param retentionMs how long after its start a window is kept
     */
    public WindowSpec(long sizeMs, long advanceMs, long graceMs, long retentionMs) {
        this(sizeMs, advanceMs, graceMs, retentionMs, false);
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
        return new WindowSpec(gapMs, gapMs, graceMs, retentionMs, true);
    }

    /**
     * Checks the bounds.
     *
     * @param sizeMs a window's length
     * @param advanceMs the distance between two windows' starts
     * @param graceMs how long after its end a window still accepts records
     * @param retentionMs how long after its start a window is kept
     * @param session whether these are session windows
     */
    public WindowSpec {
        if (sizeMs <= 0 || advanceMs <= 0 || advanceMs > sizeMs || graceMs < 0 || retentionMs < sizeMs + graceMs) {
            throw new IllegalArgumentException("windows of size " + sizeMs + " ms, advance " + advanceMs + " ms, grace "
                    + graceMs + " ms and retention " + retentionMs + " ms are not valid");
        }
    }

    @Override
    public String toString() {
        if (session) {
            return "sessions, gap " + sizeMs + " ms, grace " + graceMs + " ms, retention " + retentionMs + " ms";
        }
        return (sizeMs == advanceMs ? "tumbling " + sizeMs + " ms" : "hopping " + sizeMs + " ms by " + advanceMs + " ms")
                + ", grace " + graceMs + " ms, retention " + retentionMs + " ms";
    }
}
