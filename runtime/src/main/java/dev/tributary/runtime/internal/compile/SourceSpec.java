package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.StartPosition;
import dev.tributary.dsl.TimestampExtractor;
import dev.tributary.runtime.internal.core.InvalidTimestampException;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;

/**
 * A source with its topics normalized. An internal source reads a topic the job itself writes (a
 * repartition topic); its records enter the children of {@code entryNode}.
 *
 * @param timestampExtractor chooses each record's time, or null for the message's own time
 */
public record SourceSpec(String name, List<String> topics, Schema<Object> keySchema, Schema<Object> valueSchema,
                         SubscriptionType subscriptionType, StartPosition startPosition, boolean internal,
                         String entryNode, TimestampExtractor<Object, Object> timestampExtractor) {
    /**
     * A record's time: the message's time (its event time, else its publish time), or what the
     * source's extractor makes of the key and value.
     *
     * @throws InvalidTimestampException naming the source, if the extractor fails or returns a negative time
     */
    public boolean hasTimestampExtractor() {
        return timestampExtractor != null;
    }

    /** The same source reading only some of its topics (a partition each, when inputs are read in time order). */
    public SourceSpec withTopics(List<String> only) {
        return new SourceSpec(name, List.copyOf(only), keySchema, valueSchema, subscriptionType, startPosition, internal,
                entryNode, timestampExtractor);
    }

    public long timeOf(Object key, Object value, long messageTime) {
        if (timestampExtractor == null) {
            return messageTime;
        }
        long time;
        try {
            time = timestampExtractor.extract(key, value, messageTime);
        } catch (RuntimeException e) {
            throw new InvalidTimestampException("the timestamp extractor of source '" + name + "' failed on the record"
                    + " of key '" + key + "': " + e, e);
        }
        if (time < 0) {
            throw new InvalidTimestampException("the timestamp extractor of source '" + name + "' gave the record of key '"
                    + key + "' the negative time " + time, null);
        }
        return time;
    }
}
