package dev.tributary.dsl.connect;

import java.util.function.DoubleSupplier;

/**
 * A connector's metrics, published with the job's (Prometheus at {@code /metrics}). Names are
 * dot-separated ({@code http.requests}) and get the prefix {@code tributary.connector.}; tags come in
 * pairs of name and value.
 */
public interface ConnectorMetrics {
    /**
     * A monotonically increasing count.
     *
     * @param name the metric name
     * @param tags tag names and values, alternating
     * @return the counter; the same one for the same name and tags
     */
    Counter counter(String name, String... tags);

    /**
     * A value read whenever metrics are scraped.
     *
     * @param name the metric name
     * @param value reads the current value; called from the scraping thread
     * @param tags tag names and values, alternating
     */
    void gauge(String name, DoubleSupplier value, String... tags);

    /**
     * A distribution of durations.
     *
     * @param name the metric name
     * @param tags tag names and values, alternating
     * @return the timer; the same one for the same name and tags
     */
    Timer timer(String name, String... tags);

    /** A count. */
    interface Counter {
        /**
         * Adds to the count.
         *
         * @param amount how much, at least 0
         */
        void increment(double amount);

        /** Adds one. */
        default void increment() {
            increment(1);
        }
    }

    /** A distribution of durations. */
    interface Timer {
        /**
         * Records one duration.
         *
         * @param nanos the duration in nanoseconds
         */
        void record(long nanos);
    }
}
