package dev.tributary.runtime.internal.connect;

import dev.tributary.dsl.connect.SourceWriteException;
import dev.tributary.runtime.DeadLetterProperties;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;

/**
 * A source connector's input that it cannot turn into a record, written raw to the job's dead-letter
 * topic with the reason (kind {@code rejected-by-source}), through an unbatched, chunking producer
 * opened on first use.
 */
final class SourceRejections implements AutoCloseable {
    private final Producers producers;
    private final String connector;
    private final String sourceTopic;
    private final String applicationId;
    private final String deadLetterTopic;
    private Producer<byte[]> producer;

    SourceRejections(Producers producers, String connector, String sourceTopic, String applicationId,
                     String deadLetterTopic) {
        this.producers = producers;
        this.connector = connector;
        this.sourceTopic = sourceTopic;
        this.applicationId = applicationId;
        this.deadLetterTopic = deadLetterTopic;
    }

    String topic() {
        return deadLetterTopic;
    }

    /** @return completes once the dead letter is stored, or fails with a retriable {@link SourceWriteException} */
    synchronized CompletableFuture<Void> write(byte[] payload, String partition, String reason) {
        try {
            if (producer == null) {
                producer = producers.to(deadLetterTopic, Schema.BYTES).enableBatching(false).enableChunking(true)
                        .create();
            }
            Map<String, String> properties = new HashMap<>();
            properties.put(DeadLetterProperties.KIND, "rejected-by-source");
            properties.put(DeadLetterProperties.EXCEPTION_MESSAGE, reason);
            properties.put(DeadLetterProperties.NODE, connector);
            properties.put(DeadLetterProperties.SOURCE_TOPIC, sourceTopic);
            properties.put(DeadLetterProperties.APPLICATION_ID, applicationId);
            properties.put(DeadLetterProperties.TIME, Instant.now().toString());
            if (partition != null) {
                properties.put(DeadLetterProperties.PREFIX + "source.partition", partition);
            }
            return producer.newMessage().value(payload).properties(properties).sendAsync().thenApply(id -> null);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(new SourceWriteException("source connector '" + connector
                    + "' cannot write to dead-letter topic '" + deadLetterTopic + "': " + PulsarErrors.reason(e), true,
                    e));
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.closeAsync();
        }
    }
}
