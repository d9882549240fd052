package dev.tributary.runtime.internal.task;

import dev.tributary.runtime.DeadLetterProperties;
import dev.tributary.runtime.LatePolicy;
import dev.tributary.runtime.internal.core.LateRecordException;
import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.pulsar.MessageCopy;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes failed records to dead-letter topics, unchanged, with the error in their properties. A
 * write is reported back as written (the input may now be acknowledged) or failed (it stays
 * unacknowledged and is written again later); nothing is acknowledged on the hope of a write.
 */
final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final int MAX_STACK_CHARS = 4000;

    private final Producers producers;
    private final String applicationId;
    private final String fixedTopic;
    private final LatePolicy latePolicy;
    private final String fixedLateTopic;
    private final Map<String, String> lateTopicBySource = new HashMap<>();
    private final TaskMetrics metrics;
    private final Map<String, CompletableFuture<Producer<byte[]>>> byTopic = new ConcurrentHashMap<>();
    private final Map<String, String> topicBySource = new HashMap<>();
    private final List<CompletableFuture<?>> inFlight = new ArrayList<>();
    private final ConcurrentLinkedQueue<Delivery> written = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Delivery> failed = new ConcurrentLinkedQueue<>();

    /** @param fixedTopic the one dead-letter topic of the job, normalized, or null for one per input topic */
    DeadLetters(Producers producers, String applicationId, String fixedTopic, TaskMetrics metrics,
                LatePolicy latePolicy, String fixedLateTopic) {
        this.latePolicy = latePolicy;
        this.fixedLateTopic = fixedLateTopic;
        this.producers = producers;
        this.applicationId = applicationId;
        this.fixedTopic = fixedTopic;
        this.metrics = metrics;
    }

    /** Whether the delivery is a late record bound for a late-records topic. */
    boolean toLateTopic(Delivery delivery) {
        return latePolicy == LatePolicy.LATE_TOPIC && delivery.failure() != null
                && delivery.failure().kind() == Delivery.Kind.LATE;
    }

    String topicFor(Delivery delivery) {
        if (!toLateTopic(delivery)) {
            return topicFor(delivery.message);
        }
        if (fixedLateTopic != null) {
            return fixedLateTopic;
        }
        return lateTopicBySource.computeIfAbsent(delivery.message.getTopicName(),
                t -> TopicNames.late(t, applicationId));
    }

    String topicFor(Message<?> message) {
        if (fixedTopic != null) {
            return fixedTopic;
        }
        return topicBySource.computeIfAbsent(message.getTopicName(), t -> TopicNames.deadLetter(t, applicationId));
    }

    /** Starts writing a failed delivery; its outcome is collected with {@link #pollWritten} and {@link #pollFailed}. */
    void write(Delivery delivery) {
        String topic = topicFor(delivery);
        // A late record keeps its bytes and its input's schema, so the late topic reads like the input.
        Schema<byte[]> schema = toLateTopic(delivery)
                ? Schema.AUTO_PRODUCE_BYTES(delivery.input.source().valueSchema()) : Schema.BYTES;
        CompletableFuture<Producer<byte[]>> producer = byTopic.computeIfAbsent(topic, t -> open(t, schema));
        // Taken now: the producer may open later, on a client thread.
        org.apache.pulsar.client.api.transaction.Transaction transaction = producers.transaction();
        CompletableFuture<?> done = producer
                .thenCompose(p -> message(p, delivery, transaction).sendAsync())
                .whenComplete((id, error) -> {
                    if (error == null) {
                        written.add(delivery);
                    } else {
                        if (producer.isCompletedExceptionally()) {
                            forget(topic, producer);
                        }
                        metrics.deadLetterWriteFailed();
                        LOG.error("Cannot write {} to dead-letter topic '{}': {}; it stays unacknowledged and is"
                                + " written again later", delivery.describe(), topic, PulsarErrors.reason(error));
                        failed.add(delivery);
                    }
                });
        inFlight.add(done);
    }

    private void forget(String topic, CompletableFuture<Producer<byte[]>> producer) {
        byTopic.remove(topic, producer);
    }

    private CompletableFuture<Producer<byte[]>> open(String topic, Schema<byte[]> schema) {
        // Unbatched so that chunking can carry a record at the broker's size limit plus its error.
        return producers.to(topic, schema).enableBatching(false).enableChunking(true).createAsync();
    }

    private TypedMessageBuilder<byte[]> message(Producer<byte[]> producer, Delivery delivery,
                                                org.apache.pulsar.client.api.transaction.Transaction transaction) {
        return MessageCopy.envelope(delivery.message, Producers.message(producer, transaction)
                        .value(delivery.message.getData()))
                .properties(properties(delivery));
    }

    Map<String, String> properties(Delivery delivery) {
        Message<Object> original = delivery.message;
        Map<String, String> properties = MessageCopy.propertiesWithoutErrors(original);
        Delivery.Failure failure = delivery.failure();
        Throwable error = failure.error();
        if (error instanceof LateRecordException late) {
            properties.putAll(late.properties(failure.node(), original.getTopicName(), original.getMessageId().toString(),
                    applicationId));
            if (toLateTopic(delivery)) {
                return properties;
            }
        }
        properties.put(DeadLetterProperties.KIND, failure.kind().label);
        properties.put(DeadLetterProperties.EXCEPTION_CLASS, error.getClass().getName());
        properties.put(DeadLetterProperties.EXCEPTION_MESSAGE, PulsarErrors.reason(error));
        properties.put(DeadLetterProperties.STACK_TRACE, stackTrace(error));
        properties.put(DeadLetterProperties.NODE, failure.node());
        properties.put(DeadLetterProperties.ATTEMPTS, Integer.toString(Math.max(1, delivery.attempts())));
        properties.put(DeadLetterProperties.SOURCE_TOPIC, original.getTopicName());
        properties.put(DeadLetterProperties.SOURCE_MESSAGE_ID, original.getMessageId().toString());
        byte[] schemaVersion = original.getSchemaVersion();
        if (schemaVersion != null && schemaVersion.length > 0) {
            properties.put(DeadLetterProperties.SCHEMA_VERSION, HexFormat.of().formatHex(schemaVersion));
        }
        properties.put(DeadLetterProperties.APPLICATION_ID, applicationId);
        properties.put(DeadLetterProperties.TIME, Instant.now().toString());
        return properties;
    }

    private static String stackTrace(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        String trace = text.toString();
        return trace.length() <= MAX_STACK_CHARS ? trace : trace.substring(0, MAX_STACK_CHARS - 4) + "\n...";
    }

    /** Waits until every write started so far is confirmed or failed, or the deadline passes. */
    void await(long deadlineNanos) throws InterruptedException {
        for (CompletableFuture<?> write : inFlight) {
            try {
                write.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // Reported through the failed queue, or still running past the deadline: collected later.
            }
        }
        inFlight.removeIf(CompletableFuture::isDone);
    }

    int inFlight() {
        return inFlight.size();
    }

    Delivery pollWritten() {
        return written.poll();
    }

    Delivery pollFailed() {
        return failed.poll();
    }

    void close() {
        byTopic.values().forEach(p -> p.thenAccept(Producer::closeAsync));
        byTopic.clear();
    }
}
