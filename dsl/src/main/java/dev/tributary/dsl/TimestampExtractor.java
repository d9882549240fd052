package dev.tributary.dsl;

/**
 * Chooses a source record's time from its key and value, for sources whose records carry their time
 * in the payload. Without one, a record's time is its message's event time, or its publish time when
 * the producer set none.
 *
 * <p>A time below zero, or an exception, makes the record invalid: it follows the source's error
 * policy (by default the dead-letter topic, with kind {@code invalid-timestamp}), never processed
 * with a made-up time.
 *
 * <pre>{@code
 * builder.stream("clicks", Consumed.with(Schema.JSON(Click.class))
 *         .withTimestampExtractor((user, click, messageTime) -> click.ts));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface TimestampExtractor<K, V> {
    /**
     * The record's time.
     *
     * @param key the decoded key, may be null
     * @param value the decoded value, may be null
     * @param messageTime the message's event time, or its publish time when it has none, in epoch milliseconds
     * @return the record's time in epoch milliseconds, zero or more
     */
    long extract(K key, V value, long messageTime);
}
