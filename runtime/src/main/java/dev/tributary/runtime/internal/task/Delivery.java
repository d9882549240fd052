package dev.tributary.runtime.internal.task;

import dev.tributary.runtime.internal.input.Input;
import dev.tributary.runtime.internal.output.WriteOrigin;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import org.apache.pulsar.client.api.Message;

/**
 * One input message on its way through a task. Its life is a state machine: it is received, then
 * processed at once or held behind an earlier record of its key; one that fails waits for a retry or
 * is written to the dead-letter topic; one of a key group owned elsewhere is forwarded; and once
 * done it is in its input's acknowledgements for the next commit. A done delivery whose output the
 * broker refuses at the commit is received once more, and goes to a retry or its policy from there.
 */
final class Delivery implements WriteOrigin {
    private static final ByteBuffer NO_KEY = ByteBuffer.allocate(0);

    /** Where a delivery is in its life. */
    enum State {
        /** Taken from the consumer, not looked at yet. */
        RECEIVED,
        /** Waiting behind an earlier record of its key that waits for a retry. */
        HELD,
        /** Failed; tried again at {@link #dueNanos()}, while later records of its key are held. */
        RETRYING,
        /** Failed for good; being written to the dead-letter topic (again, after a failed write). */
        DEAD_LETTERING,
        /** Of a key group that does not run here; being copied to its forward topic. */
        FORWARDING,
        /** Processed, skipped, dead-lettered or forwarded: the next commit acknowledges it. */
        DONE;

        private Set<State> next;

        static {
            RECEIVED.next = EnumSet.of(HELD, RETRYING, DEAD_LETTERING, FORWARDING, DONE);
            HELD.next = EnumSet.of(RETRYING, DEAD_LETTERING, DONE, FORWARDING);
            RETRYING.next = EnumSet.of(RETRYING, HELD, DEAD_LETTERING, DONE);
            DEAD_LETTERING.next = EnumSet.of(DEAD_LETTERING, DONE);
            FORWARDING.next = EnumSet.of(FORWARDING, DONE, RETRYING, DEAD_LETTERING, HELD);
            // Output refused at the commit: looked at again like a new delivery.
            DONE.next = EnumSet.of(RECEIVED);
        }
    }

    final Input input;
    final Message<Object> message;
    /** Order of receipt within the task, to replay failures of one commit in their original order. */
    final long sequence;
    private State state = State.RECEIVED;
    private int attempts;
    /** Failed writes of this record to a dead-letter or forward topic, for the backoff of the next. */
    private int writeAttempts;
    private long dueNanos;
    private Failure failure;
    private ByteBuffer keyId;

    Delivery(Input input, Message<Object> message, long sequence) {
        this.input = input;
        this.message = message;
        this.sequence = sequence;
    }

    State state() {
        return state;
    }

    private void to(State next) {
        if (!state.next.contains(next)) {
            throw new IllegalStateException(describe() + " cannot go from " + state + " to " + next);
        }
        state = next;
    }

    /** Processing starts once more; returns the attempt's number. */
    int attempt() {
        return ++attempts;
    }

    int attempts() {
        return attempts;
    }

    void hold() {
        to(State.HELD);
    }

    /** Failed: to be tried again at the given time. */
    void retryAt(long nanos) {
        to(State.RETRYING);
        dueNanos = nanos;
    }

    /** A delivery that waited behind a head that is gone is tried at once. */
    void dueNow() {
        to(State.RETRYING);
        dueNanos = System.nanoTime();
    }

    void deadLettering() {
        to(State.DEAD_LETTERING);
    }

    void forwarding() {
        to(State.FORWARDING);
    }

    /** A dead-letter or forward write failed: the next is tried after the backoff for that many failures. */
    int writeFailed() {
        return ++writeAttempts;
    }

    /** Waits for the next try of its side write until the given time. */
    void writeDueAt(long nanos) {
        dueNanos = nanos;
    }

    long dueNanos() {
        return dueNanos;
    }

    /** Done with: the task puts it in its input's acknowledgements for the next commit. */
    void done() {
        to(State.DONE);
    }

    /** Taken back out of the coming commit's acknowledgements (one of its outputs was refused), to be looked at again. */
    void undone() {
        to(State.RECEIVED);
    }

    boolean isDone() {
        return state == State.DONE;
    }

    void failed(Failure failure) {
        this.failure = failure;
    }

    Failure failure() {
        return failure;
    }

    /** The key as the broker orders by it: its bytes, or one shared identity for keyless messages. */
    ByteBuffer keyId() {
        if (keyId == null) {
            keyId = message.hasKey() ? ByteBuffer.wrap(message.getKeyBytes()) : NO_KEY;
        }
        return keyId;
    }

    /** The bytes the broker placed the record by: its ordering key, else its key; null for neither. */
    byte[] routing() {
        return message.hasOrderingKey() ? message.getOrderingKey() : keyBytes();
    }

    /** The key's bytes, or null for a keyless message. */
    byte[] keyBytes() {
        ByteBuffer id = keyId();
        return id == NO_KEY ? null : id.array();
    }

    String describe() {
        return "message " + message.getMessageId() + " of topic '" + message.getTopicName() + "'";
    }

    /** Why a delivery failed: where, how, and whether another try could succeed. */
    record Failure(Kind kind, String node, Throwable error, boolean retriable) {
    }

    /** What went wrong, as named in the dead-letter properties and metrics. */
    enum Kind {
        /** User code threw. */
        PROCESSING("processing"),
        /** The bytes do not match the source's schemas. */
        UNDECODABLE("undecodable"),
        /** The record does not fit a node, such as a keyless record reaching an aggregation. */
        INVALID("invalid"),
        /** An output topic refused a record derived from it. */
        OUTPUT("output"),
        /** The source's timestamp extractor failed on the record or gave it a negative time. */
        INVALID_TIMESTAMP("invalid-timestamp"),
        /** The record arrived for time windows that had all closed. */
        LATE("late");

        final String label;

        /** The kind of a processing failure, by what threw. */
        static Kind of(Throwable cause) {
            return cause instanceof dev.tributary.runtime.internal.core.ProcessingException.InvalidRecordException
                    ? INVALID : cause instanceof dev.tributary.runtime.internal.core.LateRecordException ? LATE
                    : cause instanceof dev.tributary.runtime.JobStartException ? OUTPUT : PROCESSING;
        }

        Kind(String label) {
            this.label = label;
        }
    }
}
