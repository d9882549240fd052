package dev.tributary.dsl.connect;

import java.util.Map;

/**
 * One record handed to a {@link Sink}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface SinkRecord<K, V> {
    /** @return the key, or null */
    K key();

    /** @return the value; null is a tombstone (a deletion of the key) */
    V value();

    /** @return the event time in epoch milliseconds */
    long timestamp();

    /** @return the properties of the message it came from, never null */
    Map<String, String> properties();

    /**
     * Marks the record as refused by the target; the others of the batch count as written. The record
     * follows its error policy (dead-letter topic by default) with this cause.
     *
     * @param cause why the target refused it
     * @param retriable whether writing it again may succeed (then it is retried with backoff while later
     *     records of its key wait, up to {@code errors.retry.attempts}), as opposed to a refusal that
     *     repeats
     */
    void fail(Throwable cause, boolean retriable);

    /**
     * Marks the record as refused for good.
     *
     * @param cause why the target refused it
     */
    default void fail(Throwable cause) {
        fail(cause, false);
    }
}
