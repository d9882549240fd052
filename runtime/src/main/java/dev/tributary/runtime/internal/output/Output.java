package dev.tributary.runtime.internal.output;

import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.SinkTarget;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.client.api.transaction.Transaction;
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

    private final Producers producers;

    Output(String topic, SinkTarget target, Producer<Object> producer, int maxBatchRecords,
           Queue<OutputFailure> failures, Producers producers) {
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
        if (sender.batchesByKeyGroup()) {
            hold(record, origin);
            return;
        }
        // Outside the encoding errors below: an unavailable transaction is not the record's fault.
        TypedMessageBuilder<Object> message = producers.message(sender.producer());
        try {
            Object key = record.key();
            if (key != null) {
                if (stringKeys) {
                    message.key((String) key);
                } else {
                    message.keyBytes(keySchema.encode(key));
                }
            }
            fill(message, record.value(), record.timestamp(), record.properties());
        } catch (RuntimeException e) {
            throw encodingFailed(record, e);
        }
        sender.write(null, message, origin);
    }

    /**
     * Holds a record with its key group until the group's run leaves, and builds its message only then:
     * a message built at once and held would be cold in the CPU's caches when the producer reads it
     * again, while a held record is a few references. What can fail for the record's own sake is checked
     * here, as for a message sent at once; the value is encoded when the message is sent either way.
     */
    private void hold(Record<Object, Object> record, WriteOrigin origin) {
        Transaction transaction = producers.transaction();
        Object key = record.key();
        String text = null;
        byte[] keyBytes = null;
        Map<String, String> properties;
        try {
            if (key != null) {
                if (stringKeys) {
                    text = (String) key;
                    keyBytes = text.getBytes(StandardCharsets.UTF_8);
                } else {
                    keyBytes = keySchema.encode(key);
                }
            }
            // Taken as they are now (and checked: no null name or value), as a message built now would be.
            properties = Map.copyOf(record.properties());
        } catch (RuntimeException e) {
            throw encodingFailed(record, e);
        }
        String stringKey = text;
        byte[] routing = keyBytes;
        Map<String, String> taken = properties;
        Object value = record.value();
        long timestamp = record.timestamp();
        sender.write(routing, () -> {
            TypedMessageBuilder<Object> message = Producers.message(sender.producer(), transaction);
            if (stringKey != null) {
                message.key(stringKey);
            } else if (routing != null) {
                message.keyBytes(routing);
            }
            return fill(message, value, timestamp, taken);
        }, origin);
    }

    private static TypedMessageBuilder<Object> fill(TypedMessageBuilder<Object> message, Object value, long timestamp,
                                                    Map<String, String> properties) {
        message.value(value);
        if (timestamp > 0) {
            message.eventTime(timestamp);
        }
        if (!properties.isEmpty()) {
            message.properties(properties);
        }
        return message;
    }

    private ProcessingException encodingFailed(Record<Object, Object> record, RuntimeException e) {
        if (e instanceof ClassCastException) {
            return new ProcessingException(sink, new IllegalArgumentException("the record's key of type "
                    + record.key().getClass().getName() + " does not fit the sink's key schema", e), false);
        }
        return new ProcessingException(sink, new IllegalArgumentException("cannot encode the record for topic '"
                + topic + "': " + PulsarErrors.reason(e), e), false);
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
