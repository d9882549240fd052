package dev.tributary.runtime.internal.output;

import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.TypedMessageBuilder;

/**
 * One producer, its key-group batcher (or none), and the receipt of what it sent last. Each send's
 * outcome is reported with the origin it was given, before {@link #awaitReceipts} returns for it: a
 * producer completes its sends in order, and the wait is on the report's own future.
 *
 * @param <T> the producer's value type
 * @param <O> what each message was made from
 */
public final class BatchedSender<T, O> implements KeyGroupBatcher.Sink<TypedMessageBuilder<T>, O> {
    /** Told of every send's outcome, on the client's thread. */
    @FunctionalInterface
    public interface Receipt<O> {
        /**
         * @param id the message's id once it is stored, else null
         * @param error why the broker did not store it, unwrapped, or null once it is stored
         */
        void sent(O origin, MessageId id, Throwable error);
    }

    private final Producer<T> producer;
    private final KeyGroupBatcher<TypedMessageBuilder<T>, O> batcher;
    private final Receipt<O> receipt;
    private CompletableFuture<?> lastSend;

    /** @param keyGroups the reader's key groups when batches must each hold one key group, or null to send at once */
    public BatchedSender(Producer<T> producer, KeyGroups keyGroups, int maxBatchRecords, Receipt<O> receipt) {
        this.producer = producer;
        this.receipt = receipt;
        this.batcher = keyGroups == null ? null : new KeyGroupBatcher<>(keyGroups, maxBatchRecords, this);
    }

    public Producer<T> producer() {
        return producer;
    }

    /**
     * Sends a message, held with its key group first when batching by key group.
     *
     * @param keyBytes the bytes the broker routes the message by (ordering key, else key), or null
     */
    public void write(byte[] keyBytes, TypedMessageBuilder<T> message, O origin) {
        if (batcher != null) {
            batcher.add(keyBytes, message, origin);
        } else {
            send(message, origin);
        }
    }

    /** See {@link KeyGroupBatcher#runsLeaveAsTheyEnd}; nothing without batching by key group. */
    public void runsLeaveAsTheyEnd(boolean on) {
        if (batcher != null) {
            batcher.runsLeaveAsTheyEnd(on);
        }
    }

    /** Whether messages are held by key group, so that writers must give the routing bytes. */
    public boolean batchesByKeyGroup() {
        return batcher != null;
    }

    @Override
    public void send(TypedMessageBuilder<T> message, O origin) {
        CompletableFuture<MessageId> sent;
        try {
            sent = message.sendAsync();
        } catch (RuntimeException e) {
            // A check at send time (a schema, a size) is the record's own failure, not the batch's.
            sent = CompletableFuture.failedFuture(e);
        }
        lastSend = sent.whenComplete((id, error) -> receipt.sent(origin, id,
                error == null ? null : PulsarErrors.unwrap(error)));
    }

    @Override
    public void endBatch() {
        producer.flushAsync();
    }

    /** Sends everything held back, without waiting. */
    public void drain() {
        if (batcher != null) {
            batcher.flush();
        } else if (lastSend != null) {
            producer.flushAsync();
        }
    }

    /** Completes once every send so far is reported, whatever its outcome. */
    public CompletableFuture<Void> receipts() {
        CompletableFuture<?> last = lastSend;
        return last == null ? CompletableFuture.completedFuture(null) : last.handle((id, error) -> null);
    }

    /**
     * Waits until every send so far is reported, at most until the deadline.
     *
     * @throws TimeoutException if the last send is still unconfirmed at the deadline
     */
    public void awaitReceipts(long deadlineNanos) throws TimeoutException, InterruptedException {
        CompletableFuture<?> last = lastSend;
        if (last == null) {
            return;
        }
        try {
            last.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // Reported to the receipt.
        }
        if (lastSend == last) {
            lastSend = null;
        }
    }

    public void close() {
        producer.closeAsync();
    }
}
