package dev.tributary.runtime.internal.pulsar;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.ProducerBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/**
 * Where every producer of the runtime is made, so that all of them get the same safe settings: a
 * full send buffer blocks the sender instead of failing the send (the client counts every open
 * per-key batch against its memory limit, and a refused send is visible only on its future), and a
 * send not confirmed within {@code producer.send.timeout} fails instead of waiting forever.
 */
public final class Producers {
    private final PulsarClient client;
    private final Duration sendTimeout;

    public Producers(PulsarClient client, Duration sendTimeout) {
        this.client = client;
        this.sendTimeout = sendTimeout;
    }

    /** A producer on the topic with the safe settings; batching, access mode and names are the caller's. */
    public <T> ProducerBuilder<T> to(String topic, Schema<T> schema) {
        return client.newProducer(schema)
                .topic(topic)
                .blockIfQueueFull(true)
                .sendTimeout((int) Math.min(Integer.MAX_VALUE, sendTimeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    /**
     * A producer whose batches are ended by a {@link dev.tributary.runtime.internal.output.KeyGroupBatcher}:
     * its own limits are no tighter than the batcher's, so it never cuts a run short on its own.
     */
    public <T> ProducerBuilder<T> keyGroupBatched(String topic, Schema<T> schema, int maxBatchRecords, Duration maxDelay) {
        return to(topic, schema)
                .enableBatching(true)
                .batchingMaxMessages(maxBatchRecords)
                .batchingMaxBytes(4 * 1024 * 1024)
                .batchingMaxPublishDelay(Math.max(1, maxDelay.toMillis()), TimeUnit.MILLISECONDS);
    }

    public PulsarClient client() {
        return client;
    }
}
