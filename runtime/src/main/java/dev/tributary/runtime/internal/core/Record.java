package dev.tributary.runtime.internal.core;

import java.util.Map;

/**
 * A record flowing between operators. Immutable: an operator that changes a record passes on a copy.
 *
 * @param key the key, may be null
 * @param value the value, may be null
 * @param timestamp the event time in epoch milliseconds (the message's event time, else its publish time)
 * @param properties the message properties, passed through to outputs; never null
 */
public record Record(Object key, Object value, long timestamp, Map<String, String> properties) {
    public Record withKey(Object newKey) {
        return new Record(newKey, value, timestamp, properties);
    }

    public Record withValue(Object newValue) {
        return new Record(key, newValue, timestamp, properties);
    }

    public Record with(Object newKey, Object newValue) {
        return new Record(newKey, newValue, timestamp, properties);
    }
}
