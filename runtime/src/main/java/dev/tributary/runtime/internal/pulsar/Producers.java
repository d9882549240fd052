package dev.tributary.runtime.internal.pulsar;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.client.api.transaction.Transaction;

/**
 * Where every producer of the runtime is made, so that all of them get the same safe settings: a
 * full send buffer blocks the sender instead of failing the send (the client counts every open
 * per-key batch against its memory limit, and a refused send is visible only on its future), and a
 * send not confirmed within {@code producer.send.timeout} fails instead of waiting forever.
 *
 * <p>Under exactly-once, messages made with {@link #message} belong to the task's open transaction,
 * and producers have no send timeout (the client refuses transactional sends otherwise): the commit
 * bounds its own wait for receipts, and the transaction timeout bounds everything else.
 */
public final class Producers {
    private final PulsarClient client;
    private final Duration sendTimeout;
    private final Transactions transactions;

    public Producers(PulsarClient client, Duration sendTimeout) {
        this(client, sendTimeout, null);
    }

    /** @param transactions the task's transactions under exactly-once, or null */
    public Producers(PulsarClient client, Duration sendTimeout, Transactions transactions) {
        this.client = client;
        this.sendTimeout = sendTimeout;
        this.transactions = transactions;
    }

    /** Producers for writes outside the task's commits (connector sources), which are never transactional. */
    public Producers withoutTransactions() {
        return transactions == null ? this : new Producers(client, sendTimeout, null);
    }

    /** The task's transactions under exactly-once, or null. */
    public Transactions transactions() {
        return transactions;
    }

    /** The open transaction, opened if need be, or null under at-least-once. */
    public Transaction transaction() {
        return transactions == null ? null : transactions.current();
    }

    /** A new message of the task's open transaction, or a plain one under at-least-once. */
    public <T> TypedMessageBuilder<T> message(Producer<T> producer) {
        return message(producer, transaction());
    }

    /** A new message of the given transaction, or a plain one if it is null. */
    public static <T> TypedMessageBuilder<T> message(Producer<T> producer, Transaction transaction) {
        return transaction == null ? producer.newMessage() : producer.newMessage(transaction);
    }

    /** The send timeout a producer of these writes must have, in milliseconds: 0 (none) under exactly-once. */
    public int sendTimeoutMillis(Duration wanted) {
        return transactions != null ? 0 : (int) Math.min(Integer.MAX_VALUE, wanted.toMillis());
    }

    /** A producer on the topic with the safe settings; batching, access mode and names are the caller's. */
    public <T> ProducerBuilder<T> to(String topic, Schema<T> schema) {
        return client.newProducer(schema)
                .topic(topic)
                .blockIfQueueFull(true)
                .sendTimeout(sendTimeoutMillis(sendTimeout), TimeUnit.MILLISECONDS);
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
