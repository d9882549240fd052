package dev.tributary.dsl;

import java.time.Duration;
import java.util.Objects;

/**
 * Fixed-size windows of record time, aligned to the epoch: tumbling (each record in one window) or,
 * with {@link #advanceBy(Duration)}, hopping (windows overlap, and a record counts in each window that
 * contains it). A window {@code [start, start + size)} closes when the stream time of its key group
 * reaches its end plus the grace period; a record that arrives for closed windows only is late.
 *
 * <pre>{@code
 * stream.groupByKey()
 *       .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(10)))
 *       .count();
 * }</pre>
 */
public final class TimeWindows {
    private final Duration size;
    private final Duration advance;
    private final Duration grace;

    private TimeWindows(Duration size, Duration advance, Duration grace) {
        this.size = size;
        this.advance = advance;
        this.grace = grace;
    }

    /**
     * Tumbling windows with a grace period for records that arrive out of order.
     *
     * @param size each window's length, at least 1 ms
     * @param grace how long after a window's end records still count in it; zero for none
     * @return the windows
     * @throws IllegalArgumentException if the size is not positive or the grace is negative
     */
    public static TimeWindows ofSizeAndGrace(Duration size, Duration grace) {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(grace, "grace");
        if (size.toMillis() < 1) {
            throw new IllegalArgumentException("a window's size must be at least 1 ms, got " + size);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("a window's grace must not be negative, got " + grace);
        }
        return new TimeWindows(size, size, grace);
    }

    /**
     * Tumbling windows without a grace period: a record arriving after its window's end is late.
     *
     * @param size each window's length, at least 1 ms
     * @return the windows
     */
    public static TimeWindows ofSizeWithNoGrace(Duration size) {
        return ofSizeAndGrace(size, Duration.ZERO);
    }

    /**
     * Makes the windows hop: a new window starts every {@code advance}.
     *
     * @param advance the distance between two windows' starts, positive and at most the size
     * @return hopping windows of the same size and grace
     * @throws IllegalArgumentException if the advance is not positive or larger than the size
     */
    public TimeWindows advanceBy(Duration advance) {
        Objects.requireNonNull(advance, "advance");
        if (advance.toMillis() < 1 || advance.compareTo(size) > 0) {
            throw new IllegalArgumentException("a window's advance must be between 1 ms and its size (" + size
                    + "), got " + advance);
        }
        return new TimeWindows(size, advance, grace);
    }

    /**
     * @return each window's length
     */
    public Duration size() {
        return size;
    }

    /**
     * @return the distance between two windows' starts (the size, for tumbling windows)
     */
    public Duration advance() {
        return advance;
    }

    /**
     * @return how long after a window's end records still count in it
     */
    public Duration grace() {
        return grace;
    }

    @Override
    public String toString() {
        return "TimeWindows(size " + size + ", advance " + advance + ", grace " + grace + ")";
    }
}
