package dev.tributary.dsl;

import java.time.Duration;
import java.util.Objects;

/**
 * Sliding windows: every distinct set of a key's records no further apart in time than the time
 * difference {@code d}. Windows are not aligned to the epoch but to the records: each record at time
 * {@code t} has the window that ends at it, {@code [t - d, t]}, and, once a later record falls within
 * {@code d + 1} of it, the window that starts just after it, {@code [t + 1, t + d + 1]}. Together these
 * are every window of length {@code d} whose contents differ, so "the count over any 5 minutes" reads
 * off them without the near-duplicates of finely hopping windows.
 *
 * <p>A window closes when the stream time of its key group passes its end by the grace period (as a
 * {@link Windowed} key it reads {@code [t - d, t + 1)}, end excluded, start no earlier than 0). A record
 * is late when the window that ends at it has closed; every other window it falls in is still open.
 *
 * <pre>{@code
 * payments.groupByKey()
 *         .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMinutes(5), Duration.ofSeconds(30)))
 *         .count();
 * }</pre>
 */
public final class SlidingWindows {
    private final Duration timeDifference;
    private final Duration grace;

    private SlidingWindows(Duration timeDifference, Duration grace) {
        this.timeDifference = timeDifference;
        this.grace = grace;
    }

    /**
     * Sliding windows with a grace period for records that arrive out of order.
     *
     * @param timeDifference the largest distance in time between two records of one window, at least 1 ms
     * @param grace how long after a window's end records still count in it; zero for none
     * @return the windows
     * @throws IllegalArgumentException if the time difference is not positive or the grace is negative
     */
    public static SlidingWindows ofTimeDifferenceAndGrace(Duration timeDifference, Duration grace) {
        Objects.requireNonNull(timeDifference, "time difference");
        Objects.requireNonNull(grace, "grace");
        if (timeDifference.toMillis() < 1) {
            throw new IllegalArgumentException("a sliding window's time difference must be at least 1 ms, got "
                    + timeDifference);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("a sliding window's grace must not be negative, got " + grace);
        }
        return new SlidingWindows(timeDifference, grace);
    }

    /**
     * Sliding windows without a grace period.
     *
     * @param timeDifference the largest distance in time between two records of one window, at least 1 ms
     * @return the windows
     */
    public static SlidingWindows ofTimeDifferenceWithNoGrace(Duration timeDifference) {
        return ofTimeDifferenceAndGrace(timeDifference, Duration.ZERO);
    }

    /**
     * @return the largest distance in time between two records of one window
     */
    public Duration timeDifference() {
        return timeDifference;
    }

    /**
     * @return how long after a window's end records still count in it
     */
    public Duration grace() {
        return grace;
    }

    @Override
    public String toString() {
        return "SlidingWindows(time difference " + timeDifference + ", grace " + grace + ")";
    }
}
