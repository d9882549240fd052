package dev.tributary.runtime.internal.input;

import dev.tributary.dsl.plan.Schemas;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaType;

/**
 * One source's consumer, the operator its records enter, and what of its deliveries is unresolved or
 * awaits acknowledgement. Only the task's thread uses it, except the received count (read by the
 * metrics scrape).
 */
public final class Input {
    /** How long an input found empty is left alone by the time order's polls. */
    static final long EMPTY_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    private final SourceSpec source;
    private final Consumer<Object> consumer;
    private final Processor processor;
    private final AckTracker acks;
    /** Messages received from this source by any of its consumers; read racily by the metrics scrape. */
    private final long[] received;
    /** Key groups this consumer holds the ranges of, or null for a consumer without ranges. */
    private final BitSet keyGroups;
    /** When the client last lost this consumer's connection, as seen at subscribe: a change means the broker let go. */
    private final long disconnectedAt;
    private final Schema<Object> keySchema;
    private final boolean stringKeys;
    /** Deliveries received and not yet done with: processed and awaiting a commit does count as done. */
    private int unresolved;
    /** Closed: what it delivered is neither processed further nor acknowledged. */
    private boolean closed;
    /** The next message, taken from the consumer ahead to compare its time with other partitions' (time order). */
    private Message<Object> head;
    private long headTime;
    /** Since when (nanos) this input had nothing buffered while others did, or -1. */
    private long emptySince = -1;
    /** When (nanos) a poll without waiting last found nothing. */
    private long emptyPolledAt = Long.MIN_VALUE / 2;
    private boolean deliveredAny;
    /** Read in time order without ever being waited for: a forward topic, which carries strays only. */
    private boolean exempt;

    /**
     * @param received the source's shared count of received messages
     * @param keyGroups the key groups whose ranges the consumer holds, or null for a consumer without ranges
     */
    public Input(SourceSpec source, Consumer<Object> consumer, Processor processor, long[] received, BitSet keyGroups) {
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

    public SourceSpec source() {
        return source;
    }

    /** The operator the source's records enter. */
    public Processor processor() {
        return processor;
    }

    /** The next message, waiting at most the timeout (0: only what is fetched already), counted as unresolved. */
    public Message<Object> receive(int timeoutMillis) throws PulsarClientException {
        Message<Object> message = consumer.receive(timeoutMillis, TimeUnit.MILLISECONDS);
        if (message != null) {
            unresolved++;
            received[0]++;
        }
        return message;
    }

    /**
     * Whether a next message is buffered, fetching it (without waiting) if need be. Its time is the
     * record time it will get; one whose time cannot be told sorts first, to fail at once. An input
     * that came up empty is asked again only after {@link #EMPTY_POLL_NANOS}: polling every idle
     * consumer (forward topics, a drained table) for every record of a busy one cost a third of a
     * stream-table join's throughput; waiting on an input ({@link #peek(int)}) always asks.
     */
    public boolean peek(long nowNanos) throws PulsarClientException {
        if (head == null && !closed && nowNanos - emptyPolledAt >= EMPTY_POLL_NANOS) {
            head = receive(0);
            if (head != null) {
                headTime = orderTime(head);
                emptySince = -1;
                deliveredAny = true;
            } else {
                emptyPolledAt = nowNanos;
            }
        }
        return head != null;
    }

    /** Like {@link #peek()}, waiting at most the timeout for a message. */
    public boolean peek(int timeoutMillis) throws PulsarClientException {
        if (head == null && !closed) {
            head = receive(timeoutMillis);
            if (head != null) {
                headTime = orderTime(head);
                emptySince = -1;
                deliveredAny = true;
            }
        }
        return head != null;
    }

    /** Never waited for by the time order (a forward topic, carrying strays only). */
    public void exemptFromWaiting() {
        exempt = true;
    }

    /** The time of the buffered next message; only after {@link #peek()} returned true. */
    public long headTime() {
        return headTime;
    }

    /** Takes the buffered next message. */
    public Message<Object> take() {
        Message<Object> message = head;
        head = null;
        return message;
    }

    /**
     * Whether others must still wait for this input, which has nothing buffered: true until it has been
     * empty for the given time (then the others go on without it until it has records again).
     */
    public boolean worthWaitingFor(long nowNanos, long maxWaitNanos) {
        if (emptySince < 0) {
            emptySince = nowNanos;
        }
        if (exempt) {
            return false;
        }
        // A consumer's first fetch after it subscribed or resumed takes longer than a refill.
        return nowNanos - emptySince < (deliveredAny ? maxWaitNanos : 10 * maxWaitNanos);
    }

    private long orderTime(Message<Object> message) {
        long eventTime = message.getEventTime();
        long messageTime = eventTime > 0 ? eventTime : message.getPublishTime();
        if (!source.hasTimestampExtractor()) {
            return messageTime;
        }
        try {
            return decode(message).timestamp();
        } catch (RuntimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /** Stops fetching: what the client holds already still arrives. */
    public void pause() {
        consumer.pause();
    }

    public void resume() {
        consumer.resume();
    }

    /**
     * A delivery of this input is done with (processed, skipped or dead-lettered): the next commit
     * acknowledges it.
     *
     * @return false if the input closed meanwhile, so nothing is acknowledged
     */
    public boolean resolved(Message<?> message) {
        if (closed) {
            return false;
        }
        acks.delivered(message);
        unresolved--;
        return true;
    }

    /** A delivery reported done is not after all (one of its outputs was refused): it is unresolved again. */
    public void withdraw(Message<?> message) {
        acks.withdraw(message.getMessageId());
        unresolved++;
    }

    /** Messages the next commit acknowledges. */
    public int pendingAcks() {
        return acks.pending();
    }

    /** Forgets what awaits acknowledgement: it will be delivered again. */
    public void clearAcks() {
        acks.clear();
    }

    /**
     * Sends the acknowledgements of everything resolved since the last commit; nothing for a closed input.
     *
     * @param transaction the commit's transaction under exactly-once, or null
     */
    public CompletableFuture<Void> commitAcks(org.apache.pulsar.client.api.transaction.Transaction transaction) {
        return commitAcks(transaction, null);
    }

    /**
     * Takes the acknowledgements of everything resolved since the last commit now, and sends them once
     * {@code after} completes; none are sent if it fails.
     *
     * @param transaction the commit's transaction
     * @param after what must be done first, or null to send at once
     */
    public CompletableFuture<Void> commitAcks(org.apache.pulsar.client.api.transaction.Transaction transaction,
                                              CompletableFuture<?> after) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        AckTracker.Acknowledger now = AckTracker.Acknowledger.of(consumer, transaction);
        if (after == null) {
            return acks.commit(now, unresolved > 0);
        }
        return acks.commit(new AckTracker.Acknowledger() {
            @Override
            public CompletableFuture<Void> each(java.util.List<org.apache.pulsar.client.api.MessageId> ids) {
                return after.thenCompose(ready -> now.each(ids));
            }

            @Override
            public CompletableFuture<Void> cumulative(org.apache.pulsar.client.api.MessageId upTo) {
                return after.thenCompose(ready -> now.cumulative(upTo));
            }
        }, unresolved > 0);
    }

    /** Whether the broker dropped this consumer since it subscribed: its ranges may have gone to another instance. */
    public boolean leaseLost() {
        return consumer.getLastDisconnectedTimestamp() != disconnectedAt;
    }

    public boolean isClosed() {
        return closed;
    }

    public void close() {
        closed = true;
        head = null;
        consumer.closeAsync();
    }

    /**
     * Decodes a message into a record with its time; a message that does not decode, or whose time the
     * source's extractor cannot tell ({@link dev.tributary.runtime.internal.core.InvalidTimestampException}),
     * fails with the reason.
     */
    public Record<Object, Object> decode(Message<Object> message) {
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
        long time = source.timeOf(key, value, eventTime > 0 ? eventTime : message.getPublishTime());
        Map<String, String> properties = message.getProperties();
        return new Record<>(key, value, time, properties == null ? Map.of() : properties);
    }
}
