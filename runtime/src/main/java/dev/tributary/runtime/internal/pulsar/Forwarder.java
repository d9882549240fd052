package dev.tributary.runtime.internal.pulsar;

import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
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

    private final PulsarClient client;
    private final KeyGroups keyGroups;
    private final TaskMetrics metrics;
    private final Duration sendTimeout;
    private final int maxBatchRecords;
    private final Map<String, Target> targets = new HashMap<>();
    private final Queue<Delivery> written = new ConcurrentLinkedQueue<>();
    private final Queue<Delivery> failed = new ConcurrentLinkedQueue<>();
    private boolean warned;

    private final class Target implements KeyGroupBatcher.Sink {
        final String topic;
        final Producer<byte[]> producer;
        final KeyGroupBatcher batcher;
        CompletableFuture<?> last;

        Target(String topic, Producer<byte[]> producer) {
            this.topic = topic;
            this.producer = producer;
            this.batcher = new KeyGroupBatcher(keyGroups, maxBatchRecords, this);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void send(TypedMessageBuilder<Object> message, Object origin) {
            Delivery delivery = (Delivery) origin;
            last = ((TypedMessageBuilder<byte[]>) (TypedMessageBuilder<?>) message).sendAsync()
                    .whenComplete((id, error) -> {
                        if (error == null) {
                            written.add(delivery);
                        } else {
                            LOG.warn("Cannot forward {} to its owner through '{}': {}; it stays unacknowledged and is"
                                    + " forwarded again", delivery.describe(), topic, PulsarErrors.reason(error));
                            failed.add(delivery);
                        }
                    });
        }

        @Override
        public void endBatch() {
            producer.flushAsync();
        }
    }

    Forwarder(PulsarClient client, KeyGroups keyGroups, TaskMetrics metrics, Duration sendTimeout, int maxBatchRecords) {
        this.client = client;
        this.keyGroups = keyGroups;
        this.metrics = metrics;
        this.sendTimeout = sendTimeout;
        this.maxBatchRecords = maxBatchRecords;
    }

    /** The forward topic of a source: beside the job's other internal topics. */
    static String topic(String internalNamespace, String applicationId, SourceSpec source) {
        return "persistent://" + internalNamespace + "/" + applicationId + "-" + source.name() + "-forward";
    }

    /**
     * Starts forwarding a delivery whose key group is not running here; collected with {@link #pollWritten}.
     *
     * @param routing the bytes the broker routes the record by: its ordering key, else its key
     */
    @SuppressWarnings("unchecked")
    void forward(Delivery delivery, String topic, byte[] routing) {
        Target target = targets.computeIfAbsent(topic, t -> open(t, delivery.input.source));
        Message<Object> message = delivery.message;
        TypedMessageBuilder<byte[]> copy = MessageCopy.envelope(message, target.producer.newMessage())
                .value(message.getData());
        if (message.getEventTime() <= 0) {
            // The owner takes the event time from the copy; without one it would use the copy's publish time.
            copy.eventTime(message.getPublishTime());
        }
        if (!message.getProperties().isEmpty()) {
            copy.properties(message.getProperties());
        }
        metrics.forwarded(delivery.input.source.name());
        target.batcher.add(routing, (TypedMessageBuilder<Object>) (TypedMessageBuilder<?>) copy, delivery);
    }

    private Target open(String topic, SourceSpec source) {
        try {
            // Typed like the source, so that the owner's consumer reads the copies with the source's schema.
            Producer<byte[]> producer = client.newProducer(Schema.AUTO_PRODUCE_BYTES(source.valueSchema()))
                    .topic(topic)
                    .enableBatching(true)
                    .batchingMaxMessages(maxBatchRecords)
                    .batchingMaxPublishDelay(10, TimeUnit.MILLISECONDS)
                    .blockIfQueueFull(true)
                    .sendTimeout((int) Math.min(Integer.MAX_VALUE, sendTimeout.toMillis()), TimeUnit.MILLISECONDS)
                    .create();
            return new Target(topic, producer);
        } catch (Exception e) {
            throw new JobStartException("cannot open a producer on forward topic '" + topic + "' of source '"
                    + source.name() + "': " + PulsarErrors.reason(e), e);
        }
    }

    /** Sends everything held back and waits for the receipts, at most until the deadline. */
    void flush(long deadlineNanos) {
        for (Target target : targets.values()) {
            target.batcher.flush();
        }
        for (Target target : targets.values()) {
            CompletableFuture<?> last = target.last;
            if (last == null) {
                continue;
            }
            try {
                last.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                if (!warned) {
                    warned = true;
                    LOG.warn("Forwarded records to '{}' were not confirmed in time: {}", target.topic,
                            PulsarErrors.reason(e));
                }
            }
            target.last = null;
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
            target.producer.closeAsync();
        }
        targets.clear();
        written.clear();
        failed.clear();
    }

    void close() {
        for (Target target : targets.values()) {
            target.producer.closeAsync();
        }
        targets.clear();
    }

}
