package dev.tributary.dsl;

import java.time.Duration;
import java.util.Objects;

/**
 * Which records of two streams join: a record of this stream at time {@code t} meets each record of
 * the other stream with the same key and a time in {@code [t - before, t + after]}. Both bounds are
 * the time difference unless {@link #before(Duration)} or {@link #after(Duration)} set one apart; the
 * other stream's record sees the window mirrored.
 *
 * <p>A record's window closes when the stream time of its key group (the largest record time seen on
 * either side) passes {@code t + after + grace} ({@code t + before + grace} for the other stream's
 * records). Until then records out of order still join it; a record arriving for a window already
 * closed is late and goes to the late-records route. Left and outer joins emit a record that met
 * nothing when its window closes, never earlier.
 *
 * <pre>{@code
 * // a click joins the impressions of the 10 minutes before it
 * clicks.join(impressions, Attributed::new,
 *         JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMinutes(10), Duration.ofSeconds(30))
 *                 .after(Duration.ZERO));
 * }</pre>
 */
public final class JoinWindows {
    private final Duration before;
    private final Duration after;
    private final Duration grace;

    private JoinWindows(Duration before, Duration after, Duration grace) {
        this.before = before;
        this.after = after;
        this.grace = grace;
    }

    /**
     * Records join when their times differ by at most {@code timeDifference}, either way.
     *
     * @param timeDifference the largest difference, not negative
     * @param grace how long after a window's end records out of order still join; zero for none
     * @return the windows
     * @throws IllegalArgumentException if either duration is negative
     */
    public static JoinWindows ofTimeDifferenceAndGrace(Duration timeDifference, Duration grace) {
        Objects.requireNonNull(timeDifference, "time difference");
        Objects.requireNonNull(grace, "grace");
        requireNotNegative("time difference", timeDifference);
        requireNotNegative("grace", grace);
        return new JoinWindows(timeDifference, timeDifference, grace);
    }

    /**
     * Records join when their times differ by at most {@code timeDifference}; a record arriving after
     * its window's end is late.
     *
     * @param timeDifference the largest difference, not negative
     * @return the windows
     */
    public static JoinWindows ofTimeDifferenceWithNoGrace(Duration timeDifference) {
        return ofTimeDifferenceAndGrace(timeDifference, Duration.ZERO);
    }

    /**
     * Sets how far before a record of this stream the other stream's records may be.
     *
     * @param before not negative
     * @return windows with this bound and the others unchanged
     * @throws IllegalArgumentException if it is negative
     */
    public JoinWindows before(Duration before) {
        Objects.requireNonNull(before, "before");
        requireNotNegative("before", before);
        return new JoinWindows(before, after, grace);
    }

    /**
     * Sets how far after a record of this stream the other stream's records may be.
     *
     * @param after not negative
     * @return windows with this bound and the others unchanged
     * @throws IllegalArgumentException if it is negative
     */
    public JoinWindows after(Duration after) {
        Objects.requireNonNull(after, "after");
        requireNotNegative("after", after);
        return new JoinWindows(before, after, grace);
    }

    /**
     * @return how far before a record of this stream the other's may be
     */
    public Duration before() {
        return before;
    }

    /**
     * @return how far after a record of this stream the other's may be
     */
    public Duration after() {
        return after;
    }

    /**
     * @return how long after a window's end records still join
     */
    public Duration grace() {
        return grace;
    }

    private static void requireNotNegative(String what, Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a join window's " + what + " must not be negative, got " + duration);
        }
    }

    @Override
    public String toString() {
        return "JoinWindows(before " + before + ", after " + after + ", grace " + grace + ")";
    }
}
