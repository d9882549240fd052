package dev.tributary.runtime.internal.connect;

import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source's positions per partition, kept in a compacted topic of the job's internal namespace
 * (key: the partition, value: the position) so that they survive restarts and moves.
 */
final class SourcePositions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourcePositions.class);
    private static final long COMPACTION_THRESHOLD_BYTES = 1024 * 1024;

    private final String topic;
    private final Map<String, String> committed = new ConcurrentHashMap<>();
    private final Map<String, String> reached = new ConcurrentHashMap<>();
    private final Producer<byte[]> producer;

    private SourcePositions(String topic, Map<String, String> loaded, Producer<byte[]> producer) {
        this.topic = topic;
        this.committed.putAll(loaded);
        this.producer = producer;
    }

    static String topic(String internalNamespace, String applicationId, String source) {
        return "persistent://" + internalNamespace + "/" + applicationId + "-source-" + source + "-positions";
    }

    /** Creates the topic if needed and reads the latest position of every partition. */
    static SourcePositions open(Producers producers, PulsarAdmin admin, String topic, String producerName,
                                long timeoutMillis) throws Exception {
        createCompacted(admin, topic, "source positions");
        Map<String, String> loaded = new HashMap<>();
        try (Reader<byte[]> reader = producers.client().newReader(Schema.BYTES).topic(topic).startMessageId(MessageId.earliest)
                .readCompacted(true).create()) {
            readToEnd(reader, timeoutMillis, message -> {
                if (message.hasKey()) {
                    if (message.getData().length == 0) {
                        loaded.remove(message.getKey());
                    } else {
                        loaded.put(message.getKey(), new String(message.getData(), StandardCharsets.UTF_8));
                    }
                }
            });
        }
        var builder = producers.to(topic, Schema.BYTES).enableBatching(false);
        if (producerName != null) {
            builder.producerName(producerName);
        }
        Producer<byte[]> producer = builder.create();
        return new SourcePositions(topic, loaded, producer);
    }

    /**
     * Hands every message of the reader's topic, up to its last one now, to the consumer.
     *
     * @throws IllegalStateException if the messages do not all come within the timeout
     */
    static void readToEnd(Reader<byte[]> reader, long timeoutMillis,
                          java.util.function.Consumer<Message<byte[]>> consumer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (reader.hasMessageAvailable()) {
            Message<byte[]> message = reader.readNext((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(
                    deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new IllegalStateException("reading topic '" + reader.getTopic() + "' timed out after "
                        + timeoutMillis + " ms");
            }
            consumer.accept(message);
        }
    }

    /** Creates a topic of the job's that compaction keeps small, unless it exists. */
    static void createCompacted(PulsarAdmin admin, String topic, String what) throws PulsarAdminException {
        try {
            admin.topics().createNonPartitionedTopic(topic);
            try {
                admin.topicPolicies().setCompactionThreshold(topic, COMPACTION_THRESHOLD_BYTES);
            } catch (PulsarAdminException e) {
                LOG.warn("Could not set a compaction threshold on {} topic {} ({}); set one so that it stays small",
                        what, topic, PulsarErrors.reason(e));
            }
        } catch (PulsarAdminException.ConflictException exists) {
            // Created by an earlier run.
        }
    }

    Optional<String> get(String partition) {
        String position = reached.get(partition);
        return Optional.ofNullable(position != null ? position : committed.get(partition));
    }

    void reach(String partition, String position) {
        reached.put(partition, position);
    }

    /** Writes the positions reached since the last call; returns when the broker has them. */
    void commit(long timeoutMillis) throws Exception {
        if (reached.isEmpty()) {
            return;
        }
        Map<String, String> now = new HashMap<>(reached);
        CompletableFuture<?> last = null;
        for (Map.Entry<String, String> entry : now.entrySet()) {
            if (entry.getValue().equals(committed.get(entry.getKey()))) {
                continue;
            }
            last = producer.newMessage().key(entry.getKey()).value(entry.getValue().getBytes(StandardCharsets.UTF_8))
                    .sendAsync();
        }
        if (last != null) {
            last.get(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        committed.putAll(now);
        now.forEach(reached::remove);
    }

    String topic() {
        return topic;
    }

    @Override
    public void close() {
        producer.closeAsync();
    }
}
