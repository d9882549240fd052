package dev.tributary.runtime.internal.pulsar;

import dev.tributary.runtime.DeadLetterProperties;
import java.util.HashMap;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.TypedMessageBuilder;

/** Copies what makes a message itself besides its value, for dead letters and their replay. */
public final class MessageCopy {
    private MessageCopy() {
    }

    /**
     * Copies the key as it was given (text, or bytes), the ordering key and the event time.
     *
     * @return the builder
     */
    public static <T> TypedMessageBuilder<T> envelope(Message<?> from, TypedMessageBuilder<T> to) {
        if (from.hasBase64EncodedKey()) {
            to.keyBytes(from.getKeyBytes());
        } else if (from.hasKey()) {
            to.key(from.getKey());
        }
        if (from.hasOrderingKey()) {
            to.orderingKey(from.getOrderingKey());
        }
        if (from.getEventTime() > 0) {
            to.eventTime(from.getEventTime());
        }
        return to;
    }

    /** The message's properties without Tributary's error properties, as a mutable map. */
    public static Map<String, String> propertiesWithoutErrors(Message<?> from) {
        Map<String, String> properties = new HashMap<>();
        from.getProperties().forEach((k, v) -> {
            if (!k.startsWith(DeadLetterProperties.PREFIX)) {
                properties.put(k, v);
            }
        });
        return properties;
    }
}
