package dev.tributary.runtime.internal.pulsar;

import dev.tributary.dsl.ProducerBatching;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Record;
import dev.tributary.runtime.internal.core.SinkTarget;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.common.schema.SchemaType;

/** One output topic's producer, its batching, and the receipts of what was sent since the last commit. */
final class Output implements KeyGroupBatcher.Sink {
    private final String topic;
    private final String sink;
    private final Producer<Object> producer;
    private final Schema<Object> keySchema;
    private final boolean stringKeys;
    private final KeyGroupBatcher batcher;
    private final Queue<OutputFailure> failures;
    private CompletableFuture<?> lastSend;
    /** Closed or discarded: the failures of its last sends are nobody's concern any more. */
    private volatile boolean closed;
    /** Records written; read racily by the metrics scrape. */
    long written;

    Output(String topic, SinkTarget target, Producer<Object> producer, int maxBatchRecords,
           Queue<OutputFailure> failures) {
        this.failures = failures;
        this.topic = topic;
        this.sink = target.node();
        this.producer = producer;
        this.keySchema = target.keySchema();
        this.stringKeys = keySchema.getSchemaInfo() != null && keySchema.getSchemaInfo().getType() == SchemaType.STRING;
        this.batcher = target.batching() == ProducerBatching.KEY_GROUP
                ? new KeyGroupBatcher(new KeyGroups(target.keyGroups()), maxBatchRecords, this) : null;
    }

    /** @param origin the input the record derives from, or null if none (a table update at commit, a punctuation) */
    void write(Record record, Object origin) {
        written++;
        TypedMessageBuilder<Object> message;
        byte[] keyBytes = null;
        try {
            message = producer.newMessage().value(record.value());
            Object key = record.key();
            if (key != null) {
                if (stringKeys) {
                    String text = (String) key;
                    message.key(text);
                    if (batcher != null) {
                        keyBytes = text.getBytes(StandardCharsets.UTF_8);
                    }
                } else {
                    keyBytes = keySchema.encode(key);
                    message.keyBytes(keyBytes);
                }
            }
        } catch (ClassCastException e) {
            throw new ProcessingException(sink, new IllegalArgumentException("the record's key of type "
                    + record.key().getClass().getName() + " does not fit the sink's key schema", e), false);
        } catch (RuntimeException e) {
            throw new ProcessingException(sink, new IllegalArgumentException("cannot encode the record for topic '"
                    + topic + "': " + PulsarErrors.reason(e), e), false);
        }
        if (record.timestamp() > 0) {
            message.eventTime(record.timestamp());
        }
        if (!record.properties().isEmpty()) {
            message.properties(record.properties());
        }
        if (batcher != null) {
            batcher.add(keyBytes, message, origin);
        } else {
            send(message, origin);
        }
    }

    @Override
    public void send(TypedMessageBuilder<Object> message, Object origin) {
        CompletableFuture<MessageId> sent;
        try {
            sent = message.sendAsync();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        // Waiting on the callback's own future, not the send's, guarantees the failure is recorded first.
        lastSend = sent.whenComplete((id, error) -> {
            if (error != null && !closed) {
                failures.add(new OutputFailure(origin, sink, topic, PulsarErrors.unwrap(error)));
            }
        });
    }

    @Override
    public void endBatch() {
        producer.flushAsync();
    }

    /** Sends everything held back, without waiting. */
    void drain() {
        if (batcher != null) {
            batcher.flush();
        } else if (lastSend != null) {
            producer.flushAsync();
        }
    }

    /**
     * Waits for the receipts of everything sent since the last call; failed writes are reported to the
     * failure queue. A producer completes its sends in order, so the last send completing means all
     * earlier callbacks have run.
     */
    void awaitReceipts(long deadlineNanos) {
        CompletableFuture<?> last = lastSend;
        if (last != null) {
            try {
                last.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new OutputException("writes to topic '" + topic + "' (sink '" + sink + "') were not confirmed"
                        + " by the broker in time (producer.send.timeout)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OutputException("interrupted while waiting for writes to topic '" + topic + "'", e);
            } catch (Exception e) {
                // The failure is in the queue.
            }
        }
        lastSend = null;
    }

    void close() {
        closed = true;
        producer.closeAsync();
    }
}
