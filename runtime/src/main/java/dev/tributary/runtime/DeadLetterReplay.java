package dev.tributary.runtime;

import dev.tributary.runtime.internal.pulsar.MessageCopy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.common.naming.TopicName;

/**
 * Puts dead-lettered records back on the topics they were read from, once the cause is fixed, so the
 * job processes them again. Each record keeps its key, ordering key, value bytes, event time and
 * properties; the error properties are dropped and {@link DeadLetterProperties#REPLAYED_FROM} is set.
 * A dead-letter message is acknowledged (on the replay subscription) only after its copy is
 * confirmed; a record its topic refuses (its bytes do not match the topic's schema) stays in the
 * dead-letter topic and is reported.
 *
 * <p>Replayed records go to the end of their topic: they are processed after records of the same key
 * published since. The job must be running, or started afterwards, to process them.
 *
 * <pre>{@code
 * try (PulsarClient client = PulsarClient.builder().serviceUrl(url).build()) {
 *     DeadLetterReplay.Result result = DeadLetterReplay.replay(client,
 *             "persistent://public/default/orders-order-totals-DLQ", "replay", Set.of(), Duration.ofSeconds(2));
 *     System.out.println(result);
 * }
 * }</pre>
 */
public final class DeadLetterReplay {
    private DeadLetterReplay() {
    }

    /**
     * What a replay did.
     *
     * @param replayed records written back to their topics
     * @param left records left in the dead-letter topic: not of the selected kinds, or refused
     * @param refusals why records were refused, one line each (at most 100)
     */
    public record Result(long replayed, long left, List<String> refusals) {
    }

    /**
     * Replays every record the dead-letter topic holds for the subscription, until none arrives for
     * {@code idle}.
     *
     * @param client a client of the job's cluster
     * @param deadLetterTopic the dead-letter topic
     * @param subscription the subscription that remembers what was replayed; reuse it to resume
     * @param kinds the failure kinds to replay ({@code processing}, {@code undecodable},
     *     {@code invalid-timestamp}, {@code invalid}, {@code output}, {@code rejected-by-source}); empty for all
     * @param idle how long to wait for more records before stopping
     * @return what was replayed and what was left
     * @throws PulsarClientException if the dead-letter topic cannot be read
     */
    public static Result replay(PulsarClient client, String deadLetterTopic, String subscription, Set<String> kinds,
                                Duration idle) throws PulsarClientException {
        Objects.requireNonNull(client, "client");
        Map<String, Producer<byte[]>> producers = new HashMap<>();
        List<String> refusals = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        AtomicLong replayed = new AtomicLong();
        AtomicLong left = new AtomicLong();
        try (Consumer<byte[]> consumer = client.newConsumer(Schema.BYTES).topic(deadLetterTopic)
                .subscriptionName(subscription).subscriptionType(SubscriptionType.Exclusive)
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
            Message<byte[]> message;
            while ((message = consumer.receive((int) Math.max(1, idle.toMillis()), TimeUnit.MILLISECONDS)) != null) {
                String kind = message.getProperty(DeadLetterProperties.KIND);
                String source = message.getProperty(DeadLetterProperties.SOURCE_TOPIC);
                if (source == null || (!kinds.isEmpty() && !kinds.contains(kind))) {
                    left.incrementAndGet();
                    if (source == null && refusals.size() < 100) {
                        refusals.add(message.getMessageId() + ": no " + DeadLetterProperties.SOURCE_TOPIC + " property");
                    }
                    continue;
                }
                TopicName name = TopicName.get(source);
                String target = name.isPartitioned() ? name.getPartitionedTopicName() : name.toString();
                try {
                    Producer<byte[]> producer = producers.get(target);
                    if (producer == null) {
                        producer = client.newProducer(Schema.AUTO_PRODUCE_BYTES()).topic(target).blockIfQueueFull(true)
                                .create();
                        producers.put(target, producer);
                    }
                    Message<byte[]> original = message;
                    pending.add(copy(producer, message).sendAsync()
                            .thenCompose(id -> consumer.acknowledgeAsync(original.getMessageId()))
                            .handle((ok, error) -> {
                                if (error == null) {
                                    replayed.incrementAndGet();
                                } else {
                                    refuse(refusals, left, original, source, error);
                                }
                                return null;
                            }));
                } catch (RuntimeException | PulsarClientException e) {
                    refuse(refusals, left, message, source, e);
                }
            }
            CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).join();
        } finally {
            producers.values().forEach(Producer::closeAsync);
        }
        return new Result(replayed.get(), left.get(), List.copyOf(refusals));
    }

    private static void refuse(List<String> refusals, AtomicLong left, Message<byte[]> message, String source,
                               Throwable error) {
        left.incrementAndGet();
        if (refusals.size() < 100) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            refusals.add(message.getMessageId() + " (from " + source + ", "
                    + message.getProperty(DeadLetterProperties.SOURCE_MESSAGE_ID) + "): " + cause);
        }
    }

    private static TypedMessageBuilder<byte[]> copy(Producer<byte[]> producer, Message<byte[]> message) {
        Map<String, String> properties = MessageCopy.propertiesWithoutErrors(message);
        properties.put(DeadLetterProperties.REPLAYED_FROM, message.getMessageId().toString());
        return MessageCopy.envelope(message, producer.newMessage().value(message.getData())).properties(properties);
    }
}
