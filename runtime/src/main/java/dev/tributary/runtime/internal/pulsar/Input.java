package dev.tributary.runtime.internal.pulsar;

import dev.tributary.dsl.plan.Schemas;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.core.Record;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaType;

/** One source's consumer, the operator its records enter, and what awaits acknowledgement. */
public final class Input {
    final SourceSpec source;
    final Consumer<Object> consumer;
    final Processor processor;
    final AckTracker acks;
    /** Deliveries received and not yet done with: processed and awaiting a commit does count as done. */
    int unresolved;
    /** Messages received from this source by any of its consumers; read racily by the metrics scrape. */
    final long[] received;
    /** Key groups this consumer holds the ranges of, or null for a consumer without ranges. */
    final java.util.BitSet keyGroups;
    /** When the client last lost this consumer's connection, as seen at subscribe: a change means the broker let go. */
    final long disconnectedAt;
    /** Closed: what it delivered is neither processed further nor acknowledged. */
    boolean closed;
    private final Schema<Object> keySchema;
    private final boolean stringKeys;

    Input(SourceSpec source, Consumer<Object> consumer, Processor processor, long[] received, java.util.BitSet keyGroups) {
        this.source = source;
        this.received = received;
        this.keyGroups = keyGroups;
        this.disconnectedAt = consumer.getLastDisconnectedTimestamp();
        this.consumer = consumer;
        this.processor = processor;
        this.acks = AckTracker.forType(source.subscriptionType());
        this.keySchema = source.keySchema();
        this.stringKeys = keySchema.getSchemaInfo() != null && keySchema.getSchemaInfo().getType() == SchemaType.STRING;
    }

    /** Whether the broker dropped this consumer since it subscribed: its ranges may have gone to another instance. */
    boolean leaseLost() {
        return consumer.getLastDisconnectedTimestamp() != disconnectedAt;
    }

    void close() {
        closed = true;
        consumer.closeAsync();
    }

    /** Decodes a message into a record; a message that does not decode fails with the reason. */
    Record decode(Message<Object> message) {
        Object key = null;
        Object value;
        try {
            if (message.hasKey()) {
                if (!stringKeys) {
                    key = keySchema.decode(message.getKeyBytes());
                } else if (message.hasBase64EncodedKey()) {
                    key = new String(message.getKeyBytes(), StandardCharsets.UTF_8);
                } else {
                    key = message.getKey();
                }
            }
            value = message.getValue();
        } catch (RuntimeException e) {
            throw new UndecodableRecordException("message " + message.getMessageId() + " on topic '"
                    + message.getTopicName() + "' (source '" + source.name() + "') does not decode with key schema "
                    + Schemas.describe(keySchema) + " and value schema " + Schemas.describe(source.valueSchema())
                    + ": " + PulsarErrors.reason(e), e);
        }
        long eventTime = message.getEventTime();
        Map<String, String> properties = message.getProperties();
        return new Record(key, value, eventTime > 0 ? eventTime : message.getPublishTime(),
                properties == null ? Map.of() : properties);
    }
}
