package dev.tributary.testkit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A record piped into or read from a test topic.
 *
 * @param key the key, may be null
 * @param value the value, may be null
 * @param timestamp the event time
 * @param properties the message properties, never null
 * @param <K> the key type
 * @param <V> the value type
 */
public record TestRecord<K, V>(K key, V value, Instant timestamp, Map<String, String> properties) {
    /** Checks the components and copies the properties. */
    public TestRecord {
        Objects.requireNonNull(timestamp, "timestamp");
        properties = Map.copyOf(properties == null ? Map.of() : properties);
    }

    /**
     * A record with a key, a value and an event time, without properties.
     *
     * @param key the key
     * @param value the value
     * @param timestamp the event time
     * @param <K> the key type
     * @param <V> the value type
     * @return the record
     */
    public static <K, V> TestRecord<K, V> of(K key, V value, Instant timestamp) {
        return new TestRecord<>(key, value, timestamp, Map.of());
    }
}
