package dev.tributary.runtime.internal.pulsar;

import java.nio.ByteBuffer;
import org.apache.pulsar.client.api.Message;

/**
 * One input message on its way through a task: processed, held behind an earlier record of its key,
 * waiting for a retry, or being written to the dead-letter topic. It is acknowledged once, when it is
 * done with.
 */
final class Delivery {
    private static final ByteBuffer NO_KEY = ByteBuffer.allocate(0);

    final Input input;
    final Message<Object> message;
    /** Order of receipt within the task, to replay failures of one commit in their original order. */
    final long sequence;
    int attempts;
    /** Failed writes of this record to a dead-letter or forward topic, for the backoff of the next. */
    int writeAttempts;
    long dueNanos;
    /** Processed (or skipped, or dead-lettered) and in its input's acknowledgements for the next commit. */
    boolean done;
    Failure failure;
    private ByteBuffer keyId;

    Delivery(Input input, Message<Object> message, long sequence) {
        this.input = input;
        this.message = message;
        this.sequence = sequence;
    }

    /** The key as the broker orders by it: its bytes, or one shared identity for keyless messages. */
    ByteBuffer keyId() {
        if (keyId == null) {
            keyId = message.hasKey() ? ByteBuffer.wrap(message.getKeyBytes()) : NO_KEY;
        }
        return keyId;
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

    enum Kind {
        /** User code threw. */
        PROCESSING("processing"),
        /** The bytes do not match the source's schemas. */
        UNDECODABLE("undecodable"),
        /** The record does not fit a node, such as a keyless record reaching an aggregation. */
        INVALID("invalid"),
        /** An output topic refused a record derived from it. */
        OUTPUT("output");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }
}
