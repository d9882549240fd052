package dev.tributary.dsl.processor;

import java.util.Map;
import java.util.Objects;

/**
 * A record as a processor receives and forwards it. Immutable.
 *
 * @param key the key, may be null
 * @param value the value, may be null
 * @param timestamp the event time in epoch milliseconds
 * @param properties the message properties, never null
 * @param <K> the key type
 * @param <V> the value type
 */
public record Record<K, V>(K key, V value, long timestamp, Map<String, String> properties) {
    /**
     * Checks the properties.
     *
     * @param key the key, may be null
     * @param value the value, may be null
     * @param timestamp the event time in epoch milliseconds
     * @param properties the message properties, never null
     */
    public Record {
        properties = properties == null ? Map.of() : properties;
    }

    /**
     * A record without properties.
     *
     * @param key the key
     * @param value the value
     * @param timestamp the event time
     */
    public Record(K key, V value, long timestamp) {
        this(key, value, timestamp, Map.of());
    }

    /**
     * @param newKey the new key
     * @param <KR> the new key type
     * @return a copy with another key
     */
    public <KR> Record<KR, V> withKey(KR newKey) {
        return new Record<>(newKey, value, timestamp, properties);
    }

    /**
     * A copy with another key and value.
     *
     * @param newKey the new key
     * @param newValue the new value
     * @param <KR> the new key type
     * @param <VR> the new value type
     * @return the copy
     */
    public <KR, VR> Record<KR, VR> with(KR newKey, VR newValue) {
        return new Record<>(newKey, newValue, timestamp, properties);
    }

    /**
     * @param newValue the new value
     * @param <VR> the new value type
     * @return a copy with another value
     */
    public <VR> Record<K, VR> withValue(VR newValue) {
        return new Record<>(key, newValue, timestamp, properties);
    }

    /**
     * @param newTimestamp the new event time
     * @return a copy with another timestamp
     */
    public Record<K, V> withTimestamp(long newTimestamp) {
        return new Record<>(key, value, newTimestamp, properties);
    }

    /**
     * @param newProperties the new properties
     * @return a copy with other properties
     */
    public Record<K, V> withProperties(Map<String, String> newProperties) {
        return new Record<>(key, value, timestamp, Objects.requireNonNull(newProperties, "properties"));
    }
}
