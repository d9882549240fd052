package dev.tributary.runtime.internal.task;

import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.output.BatchedSender;
import dev.tributary.runtime.internal.pulsar.MessageCopy;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends misrouted records to their owner. A producer that batches across key groups makes the broker
 * deliver a whole batch to the owner of its first key, so an instance receives records of key groups
 * it does not own. They are never processed there: each is copied (key, ordering key, event time,
 * properties, value bytes) to the source's forward topic, which every instance reads through the
 * same sticky hash ranges as the source, and the original is acknowledged only once the copy is
 * durable. Copies are batched by key group, so they reach the owner directly.
 */
final class Forwarder {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final Duration LINGER = Duration.ofMillis(10);

    private final Producers producers;
    private final KeyGroups keyGroups;
    private final TaskMetrics metrics;
    private final int maxBatchRecords;
    private final Map<String, Target> targets = new HashMap<>();
    private final Queue<Delivery> written = new ConcurrentLinkedQueue<>();
    private final Queue<Delivery> failed = new ConcurrentLinkedQueue<>();
    private boolean warned;

    private final class Target {
        final String topic;
        final BatchedSender<byte[], Delivery> sender;

        Target(String topic, Producer<byte[]> producer) {
            this.topic = topic;
            this.sender = new BatchedSender<>(producer, keyGroups, maxBatchRecords, (delivery, id, error) -> {
                if (error == null) {
                    written.add(delivery);
                } else {
                    LOG.warn("Cannot forward {} to its owner through '{}': {}; it stays unacknowledged and is"
                            + " forwarded again", delivery.describe(), topic, PulsarErrors.reason(error));
                    failed.add(delivery);
                }
            });
        }
    }

    Forwarder(Producers producers, KeyGroups keyGroups, TaskMetrics metrics, int maxBatchRecords) {
        this.producers = producers;
        this.keyGroups = keyGroups;
        this.metrics = metrics;
        this.maxBatchRecords = maxBatchRecords;
    }

    /**
     * Starts forwarding a delivery whose key group is not running here; collected with {@link #pollWritten}.
     *
     * @param routing the bytes the broker routes the record by: its ordering key, else its key
     */
    void forward(Delivery delivery, String topic, byte[] routing) {
        Target target = targets.computeIfAbsent(topic, t -> open(t, delivery.input.source()));
        Message<Object> message = delivery.message;
        TypedMessageBuilder<byte[]> copy = MessageCopy.envelope(message, producers.message(target.sender.producer()))
                .value(message.getData());
        if (message.getEventTime() <= 0) {
            // The owner takes the event time from the copy; without one it would use the copy's publish time.
            copy.eventTime(message.getPublishTime());
        }
        if (!message.getProperties().isEmpty()) {
            copy.properties(message.getProperties());
        }
        metrics.forwarded(delivery.input.source().name());
        target.sender.write(routing, copy, delivery);
    }

    private Target open(String topic, SourceSpec source) {
        try {
            // Typed like the source, so that the owner's consumer reads the copies with the source's schema.
            Producer<byte[]> producer = producers.keyGroupBatched(topic, Schema.AUTO_PRODUCE_BYTES(source.valueSchema()),
                    maxBatchRecords, LINGER).create();
            return new Target(topic, producer);
        } catch (Exception e) {
            throw new JobStartException("cannot open a producer on forward topic '" + topic + "' of source '"
                    + source.name() + "': " + PulsarErrors.reason(e), e);
        }
    }

    /** Sends everything held back and waits for the receipts, at most until the deadline. */
    void flush(long deadlineNanos) {
        for (Target target : targets.values()) {
            target.sender.drain();
        }
        for (Target target : targets.values()) {
            try {
                target.sender.awaitReceipts(deadlineNanos);
            } catch (Exception e) {
                if (!warned) {
                    warned = true;
                    LOG.warn("Forwarded records to '{}' were not confirmed in time: {}", target.topic,
                            PulsarErrors.reason(e));
                }
            }
        }
    }

    Delivery pollWritten() {
        return written.poll();
    }

    Delivery pollFailed() {
        return failed.poll();
    }

    /** Drops what is held back (after a lost lease): those deliveries are not acknowledged. */
    void discard() {
        for (Target target : targets.values()) {
            target.sender.close();
        }
        targets.clear();
        written.clear();
        failed.clear();
    }

    void close() {
        for (Target target : targets.values()) {
            target.sender.close();
        }
        targets.clear();
    }

}
