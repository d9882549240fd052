package dev.tributary.runtime.internal.output;

import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.SinkTarget;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.common.schema.SchemaType;

/** One output topic's producer, its batching, and the receipts of what was sent since the last commit. */
final class Output {
    private final String topic;
    private final String sink;
    private final Schema<Object> keySchema;
    private final boolean stringKeys;
    private final BatchedSender<Object, WriteOrigin> sender;
    /** Closed or discarded: the failures of its last sends are nobody's concern any more. */
    private volatile boolean closed;
    /** Records written; read racily by the metrics scrape. */
    long written;

    private final dev.tributary.runtime.internal.pulsar.Producers producers;

    Output(String topic, SinkTarget target, Producer<Object> producer, int maxBatchRecords,
           Queue<OutputFailure> failures, dev.tributary.runtime.internal.pulsar.Producers producers) {
        this.topic = topic;
        this.producers = producers;
        this.sink = target.node();
        this.keySchema = target.keySchema();
        this.stringKeys = keySchema.getSchemaInfo() != null && keySchema.getSchemaInfo().getType() == SchemaType.STRING;
        KeyGroups keyGroups = target.batching() == ProducerBatching.KEY_GROUP ? new KeyGroups(target.keyGroups()) : null;
        this.sender = new BatchedSender<>(producer, keyGroups, maxBatchRecords, (origin, id, error) -> {
            if (error != null && !closed) {
                failures.add(new OutputFailure(origin, sink, topic, error));
            }
        });
    }

    /** @param origin the input the record derives from, or null if none (a table update at commit, a punctuation) */
    void write(Record<Object, Object> record, WriteOrigin origin) {
        written++;
        // Outside the encoding errors below: an unavailable transaction is not the record's fault.
        TypedMessageBuilder<Object> message = producers.message(sender.producer());
        byte[] keyBytes = null;
        try {
            message.value(record.value());
            Object key = record.key();
            if (key != null) {
                if (stringKeys) {
                    String text = (String) key;
                    message.key(text);
                    if (sender.batchesByKeyGroup()) {
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
        sender.write(keyBytes, message, origin);
    }

    /** See {@link KeyGroupBatcher#runsLeaveAsTheyEnd}. */
    void runsLeaveAsTheyEnd(boolean on) {
        sender.runsLeaveAsTheyEnd(on);
    }

    /** Sends everything held back, without waiting. */
    void drain() {
        sender.drain();
    }

    /**
     * Waits for the receipts of everything sent since the last call; failed writes are reported to the
     * failure queue.
     */
    void awaitReceipts(long deadlineNanos) {
        try {
            sender.awaitReceipts(deadlineNanos);
        } catch (TimeoutException e) {
            throw new UnconfirmedWritesException(topic, "writes to topic '" + topic + "' (sink '" + sink + "') were not"
                    + " confirmed by the broker in time (producer.send.timeout)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutputException("interrupted while waiting for writes to topic '" + topic + "'", e);
        }
    }

    /** Completes once everything sent so far is reported; failed writes go to the failure queue first. */
    java.util.concurrent.CompletableFuture<Void> receipts() {
        return sender.receipts();
    }

    /** Whether a send is still unconfirmed. */
    boolean unconfirmed() {
        return !sender.receipts().isDone();
    }

    String topic() {
        return topic;
    }

    void close() {
        closed = true;
        sender.close();
    }
}
