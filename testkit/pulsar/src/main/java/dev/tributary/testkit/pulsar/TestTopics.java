package dev.tributary.testkit.pulsar;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TopicMessageId;
import org.apache.pulsar.common.naming.TopicName;

/** Names and reads of topics for tests against a broker shared by many tests. */
public final class TestTopics {
    private TestTopics() {
    }

    /**
     * A name no other test uses on the shared broker.
     *
     * @param prefix what the name is for
     * @return the prefix, a dash and eight random hex digits
     */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Reads a topic from its start once it holds at least the expected messages: everything up to its
     * last message at that moment, so duplicates already written are counted too. Waits on the topic's
     * last message id, never on a quiet time.
     *
     * @param expected how many messages to wait for
     * @param timeout how long to wait for them
     * @return every message read, in the topic's order (per partition for a partitioned topic); fewer
     *     than expected if they did not arrive in time
     * @throws java.io.IOException if the topic cannot be read
     */
    public static <T> List<Message<T>> readAll(PulsarClient client, String topic, Schema<T> schema, int expected,
                                               Duration timeout) throws java.io.IOException {
        List<Message<T>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Reader<T> reader = client.newReader(schema).topic(topic).startMessageId(MessageId.earliest).create()) {
            while (true) {
                // Up to the topic's last message as the broker knows it now.
                while (reader.hasMessageAvailable()) {
                    Message<T> message = reader.readNext(
                            (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1000),
                            TimeUnit.MILLISECONDS);
                    if (message == null) {
                        break;
                    }
                    out.add(message);
                }
                if (out.size() >= expected || System.nanoTime() >= deadline) {
                    return out;
                }
                Message<T> next = reader.readNext(100, TimeUnit.MILLISECONDS);
                if (next != null) {
                    out.add(next);
                }
            }
        }
    }

    /**
     * Receives from a consumer until it has the expected messages, then on up to the last message its
     * topics hold at that moment, so that duplicates already written are counted too. Waits on the
     * topics' last message ids, never on a quiet time.
     *
     * @param expected how many messages to wait for (more than 0)
     * @param timeout how long to wait in all
     * @return the messages received, in order; fewer than expected if they did not arrive in time
     * @throws PulsarClientException if the consumer fails
     */
    public static <T> List<Message<T>> readFrom(Consumer<T> consumer, int expected, Duration timeout)
            throws PulsarClientException {
        List<Message<T>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < expected && System.nanoTime() < deadline) {
            Message<T> message = consumer.receive(200, TimeUnit.MILLISECONDS);
            if (message != null) {
                out.add(message);
            }
        }
        Map<String, MessageIdAdv> pending = new HashMap<>();
        for (TopicMessageId last : consumer.getLastMessageIds()) {
            MessageIdAdv id = (MessageIdAdv) last;
            if (id.getEntryId() >= 0) {
                pending.put(TopicName.get(last.getOwnerTopic()).toString(), id);
            }
        }
        out.forEach(message -> reached(pending, message));
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            Message<T> message = consumer.receive(200, TimeUnit.MILLISECONDS);
            if (message != null) {
                out.add(message);
                reached(pending, message);
            }
        }
        return out;
    }

    private static void reached(Map<String, MessageIdAdv> pending, Message<?> message) {
        String topic = TopicName.get(message.getTopicName()).toString();
        MessageIdAdv last = pending.get(topic);
        MessageIdAdv id = (MessageIdAdv) message.getMessageId();
        if (last != null && (id.getLedgerId() > last.getLedgerId() || id.getLedgerId() == last.getLedgerId()
                && (id.getEntryId() > last.getEntryId()
                || id.getEntryId() == last.getEntryId() && id.getBatchIndex() >= last.getBatchIndex()))) {
            pending.remove(topic);
        }
    }
}
