package dev.tributary.runtime.internal.connect;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.connect.ConnectorMetrics;
import dev.tributary.dsl.connect.Source;
import dev.tributary.dsl.connect.SourceContext;
import dev.tributary.dsl.connect.SourceRecord;
import dev.tributary.dsl.connect.SourceWriteException;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.runtime.internal.connect.BasicContext;
import dev.tributary.runtime.internal.connect.ConnectorSettings;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.output.BatchedSender;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import dev.tributary.runtime.internal.pulsar.SchemaMismatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one source connector: its thread, the producers it writes through (batched by key group, so
 * that each batch has one owner on the reading side), the bound on unconfirmed records, and its
 * positions.
 */
public final class SourceRunner extends BasicContext implements SourceContext<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(SourceRunner.class);

    private final Source<Object> source;
    private final Producers producers;
    private final PulsarAdmin admin;
    private final String topic;
    private final Schema<Object> schema;
    private final KeyGroups keyGroups;
    private final int maxBatchRecords;
    private final SourceRejections rejections;
    private final TopicSchemas schemas;
    private final long operationTimeoutMillis;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final long lingerNanos;
    private final long positionIntervalMillis;
    private final Object lock = new Object();
    /** Producers by topic, for typed records and for records given as encoded bytes; guarded by the lock. */
    private final Map<String, BatchedSender<Object, CompletableFuture<MessageId>>> typedEmitters = new HashMap<>();
    private final Map<String, BatchedSender<Object, CompletableFuture<MessageId>>> bytesEmitters = new HashMap<>();
    /** Topic names as records give them, normalized once. */
    private final Map<String, String> normalizedTopics = new java.util.concurrent.ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ConnectorMetrics.Counter emitted;
    private final ConnectorMetrics.Counter failed;
    private final ConnectorMetrics.Counter rejected;
    private ScheduledExecutorService timer;
    private SourcePositions positions;
    private SourceThread thread;
    private volatile boolean stopping;
    private volatile boolean closed;
    private boolean dirty;

    @SuppressWarnings("unchecked")
    public SourceRunner(String name, Source<?> source, Configuration settings, String applicationId, String instanceId,
                        ConnectorMetrics metrics, Producers producers, PulsarAdmin admin, String topic, Schema<?> schema,
                        KeyGroups keyGroups, int maxBatchRecords, String deadLetterTopic,
                        Duration operationTimeout, java.util.function.Supplier<dev.tributary.dsl.connect.ConnectorState> state) {
        super(name, settings, applicationId, instanceId, metrics, state, schema);
        this.source = (Source<Object>) source;
        this.producers = producers;
        this.admin = admin;
        this.topic = TopicNames.normalize(topic, "source connector '" + name + "'");
        this.schema = (Schema<Object>) schema;
        this.keyGroups = keyGroups;
        this.maxBatchRecords = maxBatchRecords;
        this.rejections = new SourceRejections(producers, name, this.topic, applicationId,
                deadLetterTopic != null ? deadLetterTopic : TopicNames.deadLetter(this.topic, applicationId));
        this.schemas = new TopicSchemas(admin, name);
        this.operationTimeoutMillis = operationTimeout.toMillis();
        this.maxInFlight = settings.get(ConnectorSettings.MAX_IN_FLIGHT);
        this.inFlight = new Semaphore(maxInFlight);
        this.lingerNanos = settings.get(ConnectorSettings.LINGER).toNanos();
        this.positionIntervalMillis = settings.get(ConnectorSettings.POSITION_INTERVAL).toMillis();
        this.emitted = metrics.counter("records.emitted");
        this.failed = metrics.counter("records.failed");
        this.rejected = metrics.counter("records.rejected");
        metrics.gauge("records.in.flight", () -> maxInFlight - inFlight.availablePermits());
    }

    /**
     * Opens the producer of the source's topic (so that a missing topic or refused schema stops the
     * start), reads the positions, then opens the source.
     *
     * @throws JobStartException naming the connector and what failed
     */
    public void open(String positionsTopic) {
        try {
            emitter(topic, false, null);
        } catch (RuntimeException e) {
            throw new JobStartException("source connector '" + name() + "' cannot write to topic '" + topic + "': "
                    + PulsarErrors.reason(e), e);
        }
        try {
            positions = SourcePositions.open(producers, admin, positionsTopic, null, operationTimeoutMillis);
        } catch (Exception e) {
            closeQuietly();
            throw new JobStartException("source connector '" + name() + "' cannot read its positions from topic '"
                    + positionsTopic + "': " + PulsarErrors.reason(e), e);
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tributary-source-" + name() + "-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flushIfDirty, lingerNanos, Math.max(lingerNanos, 100_000), TimeUnit.NANOSECONDS);
        timer.scheduleWithFixedDelay(this::commitPositions, positionIntervalMillis, positionIntervalMillis,
                TimeUnit.MILLISECONDS);
        try {
            source.open(this);
        } catch (Exception e) {
            closeQuietly();
            throw new JobStartException("source connector '" + name() + "' did not open: " + PulsarErrors.reason(e), e);
        }
    }

    /** Runs the source on a thread of its own. */
    public void start() {
        thread = new SourceThread(name(), source, this, () -> stopping);
    }

    /** The error the source failed with, or null. */
    public Throwable failure() {
        return thread == null ? null : thread.failure();
    }

    /**
     * Stops the source, sends what it emitted, waits for the broker's receipts, and commits the positions.
     */
    public void stop(Duration timeout) {
        stopping = true;
        stopped.countDown();
        long deadline = System.nanoTime() + timeout.toNanos();
        if (thread != null) {
            thread.awaitStop(timeout.toMillis());
        }
        try {
            source.close();
        } catch (Exception e) {
            LOG.warn("Source connector '{}' did not close cleanly: {}", name(), PulsarErrors.reason(e));
        }
        if (thread != null) {
            thread.awaitEnd(deadline);
        }
        flushIfDirty();
        try {
            // Every permit back means every record sent has its receipt.
            if (!inFlight.tryAcquire(maxInFlight, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warn("Source connector '{}': {} record(s) still unconfirmed at stop", name(),
                        maxInFlight - inFlight.availablePermits());
            } else {
                inFlight.release(maxInFlight);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commitPositions();
        closeQuietly();
    }

    private void closeQuietly() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
        synchronized (lock) {
            typedEmitters.values().forEach(BatchedSender::close);
            bytesEmitters.values().forEach(BatchedSender::close);
            typedEmitters.clear();
            bytesEmitters.clear();
        }
        if (positions != null) {
            positions.close();
        }
        rejections.close();
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public CompletableFuture<MessageId> emit(SourceRecord<?> record) {
        if (closed) {
            throw new IllegalStateException("source connector '" + name() + "' is closed; the job stops");
        }
        String target = record.topic() == null ? topic : normalizedTopics.computeIfAbsent(record.topic(),
                given -> TopicNames.normalize(given, "a record of source connector '" + name() + "'"));
        boolean encoded = record.encodedValue() != null;
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to emit", e);
        }
        CompletableFuture<MessageId> result = new CompletableFuture<>();
        synchronized (lock) {
            BatchedSender<Object, CompletableFuture<MessageId>> emitter;
            TypedMessageBuilder<Object> message;
            byte[] keyBytes = null;
            try {
                emitter = emitter(target, encoded, record.schema());
                message = emitter.producer().newMessage().value(encoded ? record.encodedValue() : record.value());
                if (record.key() != null) {
                    message.key(record.key());
                    keyBytes = record.key().getBytes(StandardCharsets.UTF_8);
                }
                if (record.eventTime() > 0) {
                    message.eventTime(record.eventTime());
                }
                if (!record.properties().isEmpty()) {
                    message.properties(record.properties());
                }
            } catch (RuntimeException e) {
                inFlight.release();
                failed.increment();
                result.completeExceptionally(new SourceWriteException("source connector '" + name() + "' cannot write"
                        + " to topic '" + target + "': " + PulsarErrors.reason(e), false, e));
                return result;
            }
            emitter.write(keyBytes, message, result);
            dirty = true;
        }
        return result;
    }

    private void flushIfDirty() {
        try {
            synchronized (lock) {
                if (!dirty) {
                    return;
                }
                dirty = false;
                for (BatchedSender<Object, CompletableFuture<MessageId>> emitter : typedEmitters.values()) {
                    emitter.drain();
                }
                for (BatchedSender<Object, CompletableFuture<MessageId>> emitter : bytesEmitters.values()) {
                    emitter.drain();
                }
            }
        } catch (RuntimeException e) {
            // The timer must survive: a task that throws is never run again.
            LOG.error("Source connector '{}' could not send its records: {}", name(), PulsarErrors.reason(e), e);
        }
    }

    private void commitPositions() {
        if (positions == null) {
            return;
        }
        try {
            positions.commit(operationTimeoutMillis);
        } catch (Exception e) {
            LOG.warn("Source connector '{}' could not commit its positions to '{}': {}; it tries again", name(),
                    positions.topic(), PulsarErrors.reason(e));
        }
    }

    @SuppressWarnings("unchecked")
    private BatchedSender<Object, CompletableFuture<MessageId>> emitter(String target, boolean encoded,
                                                                     Schema<?> encodedWith) {
        Map<String, BatchedSender<Object, CompletableFuture<MessageId>>> emitters = encoded ? bytesEmitters : typedEmitters;
        // Bytes encoded with a named schema go through a producer of that schema, which registers it.
        String name = encodedWith == null ? target : target + "\u0000" + encodedWith.getSchemaInfo();
        BatchedSender<Object, CompletableFuture<MessageId>> emitter = emitters.get(name);
        if (emitter == null) {
            Schema<Object> producerSchema = encoded
                    ? (Schema<Object>) (Schema<?>) (encodedWith != null ? Schema.AUTO_PRODUCE_BYTES(encodedWith)
                    : target.equals(topic) ? Schema.AUTO_PRODUCE_BYTES(schema) : Schema.AUTO_PRODUCE_BYTES())
                    : schema;
            if (!encoded && !target.equals(topic)) {
                throw new IllegalArgumentException("a typed record can only go to the source's own topic '" + topic
                        + "'; give records for other topics as SourceRecord.encoded(bytes)");
            }
            Producer<Object> producer;
            try {
                // The linger timer ends batches; the producer's own delay is only a backstop.
                producer = producers.keyGroupBatched(target, producerSchema, maxBatchRecords, Duration.ofSeconds(1))
                        .create();
            } catch (Exception e) {
                throw new IllegalArgumentException(SchemaMismatch.isRefusal(e)
                        ? SchemaMismatch.explain(admin, target, producerSchema, "source connector '" + name() + "'", e)
                        : "cannot open a producer on topic '" + target + "': " + PulsarErrors.reason(e), e);
            }
            emitter = newSender(producer);
            emitters.put(name, emitter);
        }
        return emitter;
    }

    @Override
    public CompletableFuture<Void> reject(byte[] payload, String partition, String reason) {
        rejected.increment();
        LOG.warn("Source connector '{}' rejects a record{}: {}; it goes to dead-letter topic '{}'", name(),
                partition != null ? " of '" + partition + "'" : "", reason, rejections.topic());
        return rejections.write(payload, partition, reason);
    }

    @Override
    public void commitPosition(String partition, String position) {
        positions.reach(partition, position);
    }

    @Override
    public Optional<String> position(String partition) {
        return positions.get(partition);
    }

    @Override
    public Optional<SchemaInfo> topicSchema(String name) {
        return schemas.of(name);
    }

    @Override
    public boolean available(String name) {
        String normalized = name == null ? topic : TopicNames.normalize(name, "source connector '" + name() + "'");
        synchronized (lock) {
            BatchedSender<Object, CompletableFuture<MessageId>> emitter = bytesEmitters.get(normalized);
            if (emitter == null) {
                emitter = typedEmitters.get(normalized);
            }
            return emitter == null || emitter.producer().isConnected();
        }
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    @Override
    public boolean awaitStop(long millis) throws InterruptedException {
        return stopped.await(millis, TimeUnit.MILLISECONDS);
    }

    /** A producer with its key-group batching; the futures of emit are its messages' origins. */
    private BatchedSender<Object, CompletableFuture<MessageId>> newSender(Producer<Object> producer) {
        return new BatchedSender<>(producer, keyGroups, maxBatchRecords, (result, id, error) -> {
            inFlight.release();
            if (error == null) {
                emitted.increment();
                result.complete(id);
            } else {
                failed.increment();
                result.completeExceptionally(new SourceWriteException("source connector '" + name() + "': topic '"
                        + producer.getTopic() + "' did not store a record: " + PulsarErrors.reason(error),
                        PulsarErrors.retriable(error), error));
            }
        });
    }
}
