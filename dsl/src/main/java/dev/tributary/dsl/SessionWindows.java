package dev.tributary.dsl;

import java.time.Duration;
import java.util.Objects;

/**
 * Session windows: a key's records closer in time than the inactivity gap form one session, and a
 * record that falls between two sessions merges them. A session {@code [first, last]} closes when the
 * stream time of its key group reaches {@code last + gap + grace}; a closed session is never extended
 * or merged again, and a record that would only form a session already closed is late. As a
 * {@link Windowed} key a session reads {@code [first record's time, last record's time + 1)}.
 *
 * <pre>{@code
 * clicks.groupByKey()
 *       .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMinutes(30), Duration.ofMinutes(1)))
 *       .count();
 * }</pre>
 */
public final class SessionWindows {
    private final Duration gap;
    private final Duration grace;

    private SessionWindows(Duration gap, Duration grace) {
        this.gap = gap;
        this.grace = grace;
    }

    /**
     * Sessions with a grace period for records that arrive out of order.
     *
     * @param inactivityGap how long a key may be silent before its session ends, at least 1 ms
     * @param grace how long after a session could last have been extended records still count; zero for none
     * @return the windows
     * @throws IllegalArgumentException if the gap is not positive or the grace is negative
     */
    public static SessionWindows ofInactivityGapAndGrace(Duration inactivityGap, Duration grace) {
        Objects.requireNonNull(inactivityGap, "inactivity gap");
        Objects.requireNonNull(grace, "grace");
        if (inactivityGap.toMillis() < 1) {
            throw new IllegalArgumentException("a session's inactivity gap must be at least 1 ms, got " + inactivityGap);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("a session's grace must not be negative, got " + grace);
        }
        return new SessionWindows(inactivityGap, grace);
    }

    /**
     * Sessions without a grace period.
     *
     * @param inactivityGap how long a key may be silent before its session ends
     * @return the windows
     */
    public static SessionWindows ofInactivityGapWithNoGrace(Duration inactivityGap) {
        return ofInactivityGapAndGrace(inactivityGap, Duration.ZERO);
    }

    /**
     * @return how long a key may be silent before its session ends
     */
    public Duration inactivityGap() {
        return gap;
    }

    /**
     * @return how long after a session could last have been extended records still count
     */
    public Duration grace() {
        return grace;
    }

    @Override
    public String toString() {
        return "SessionWindows(gap " + gap + ", grace " + grace + ")";
    }
}
