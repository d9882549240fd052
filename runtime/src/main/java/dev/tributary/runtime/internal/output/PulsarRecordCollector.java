package dev.tributary.runtime.internal.output;

import dev.tributary.dsl.plan.Schemas;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.RecordCollector;
import dev.tributary.runtime.internal.core.SinkTarget;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import dev.tributary.runtime.internal.pulsar.SchemaMismatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.ProducerBuilder;

/** Writes sink records through one producer per output topic, opened on first use or at start. */
public final class PulsarRecordCollector implements RecordCollector {
    private static final long RECEIPT_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long CUT_OFF_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private final Producers producers;
    private final PulsarAdmin admin;
    private final String producerPrefix;
    private final int maxBatchRecords;
    private final Duration sendTimeout;
    private final Duration commitInterval;
    private final Map<String, Output> outputs = new HashMap<>();
    private boolean flushingCaches;
    private final Queue<OutputFailure> failures = new ConcurrentLinkedQueue<>();
    private WriteOrigin origin;
    private final Map<String, ConnectorSinkOutput> connectorSinks = new java.util.LinkedHashMap<>();
    private java.util.function.BooleanSupplier stopping = () -> false;
    private final TaskMetrics metrics;

    public PulsarRecordCollector(Producers producers, PulsarAdmin admin, String producerPrefix, int maxBatchRecords,
                                 Duration sendTimeout, Duration commitInterval, TaskMetrics metrics) {
        this.metrics = metrics;
        this.producers = producers;
        this.admin = admin;
        this.producerPrefix = producerPrefix;
        this.maxBatchRecords = maxBatchRecords;
        this.sendTimeout = sendTimeout;
        this.commitInterval = commitInterval;
    }

    /** Opens a fixed sink's producer at start, so that a refused schema or topic stops the start. */
    public void open(String topic, SinkTarget target) {
        outputs.computeIfAbsent(topic, t -> create(t, target));
    }

    /** Adds an opened sink connector; its records are handed to it in batches and at every flush. */
    public void openConnector(String name, dev.tributary.dsl.connect.Sink<?, ?> sink, int batchSize, Duration maxDelay) {
        connectorSinks.put(name, new ConnectorSinkOutput(name, sink, batchSize, maxDelay, failures, metrics.registry(),
                metrics.tags()));
    }

    /** What ends a flush's wait for an unavailable sink connector. */
    public void stopping(java.util.function.BooleanSupplier stopping) {
        this.stopping = stopping;
    }

    /** The sink connectors that cannot write now, each with since when and why; empty when all can. */
    public List<String> unavailableSinks() {
        List<String> down = new ArrayList<>();
        for (ConnectorSinkOutput sink : List.copyOf(connectorSinks.values())) {
            long since = sink.unavailableSince();
            if (since > 0) {
                down.add("sink '" + sink.name() + "' unavailable since " + java.time.Instant.ofEpochMilli(since) + ": "
                        + sink.lastReason());
            }
        }
        return down;
    }

    @Override
    public void sink(String connector, Record<Object, Object> record) {
        ConnectorSinkOutput sink = connectorSinks.get(connector);
        if (sink == null) {
            throw new IllegalStateException("sink connector '" + connector + "' was not opened");
        }
        sink.write(record, origin);
    }

    /** The input whose processing writes the records sent next, or null; handed back if a write fails. */
    public void origin(WriteOrigin delivery) {
        origin = delivery;
    }

    @Override
    public void send(String topic, SinkTarget target, Record<Object, Object> record) {
        Output output = outputs.get(topic);
        if (output == null) {
            try {
                output = create(topic, target);
            } catch (JobStartException e) {
                throw new ProcessingException(target.node(), e, PulsarErrors.retriable(e));
            }
            outputs.put(topic, output);
        }
        output.write(record, origin);
    }

    /**
     * Around a commit's flush of the record caches, which emits key group by key group: each key
     * group's run of outputs leaves as it ends, while its messages are still in the CPU's caches
     * ({@link KeyGroupBatcher#runsLeaveAsTheyEnd}).
     */
    public void flushingCaches(boolean on) {
        flushingCaches = on;
        for (Output output : outputs.values()) {
            output.runsLeaveAsTheyEnd(on);
        }
    }

    /** Sends what the key-group batchers hold, without waiting: when the input is idle, outputs need not wait for the commit. */
    public void drainHeld() {
        for (Output output : outputs.values()) {
            output.drain();
        }
    }

    /** Makes every write so far durable, or fails naming the first write that was refused. */
    @Override
    public void flush() {
        List<OutputFailure> refused = flushReportingFailures();
        if (!refused.isEmpty()) {
            OutputFailure first = refused.get(0);
            throw new OutputException("cannot write to topic '" + first.topic() + "' (sink '" + first.sink() + "'): "
                    + PulsarErrors.reason(first.error()), first.error());
        }
    }

    /**
     * Sends everything held back and waits for the receipts.
     *
     * @return the writes the broker refused or did not confirm within producer.send.timeout, in the order
     *     they were sent per topic
     * @throws OutputException if receipts are still missing well after the producers' own send timeout
     */
    public List<OutputFailure> flushReportingFailures() {
        return flushReportingFailures(() -> false);
    }

    /**
     * Like {@link #flushReportingFailures()}, but gives up on missing receipts as soon as the instance is
     * cut off from its key groups: its producers are then closed, which fails their unconfirmed writes.
     * Otherwise a producer would send them again once the network is back, after newer outputs of the
     * same keys from the key groups' new owner.
     *
     * @param cutOff whether the broker dropped this instance's consumers
     * @throws OutputException if the instance was cut off with writes unconfirmed, or receipts are still
     *     missing well after the producers' own send timeout
     */
    public List<OutputFailure> flushReportingFailures(java.util.function.BooleanSupplier cutOff) {
        for (Output output : outputs.values()) {
            output.drain();
        }
        // The producers fail late writes themselves after producer.send.timeout; the margin lets them.
        long deadline = System.nanoTime() + sendTimeout.toNanos() + RECEIPT_MARGIN_NANOS;
        for (Output output : outputs.values()) {
            while (true) {
                try {
                    output.awaitReceipts(Math.min(deadline, System.nanoTime() + CUT_OFF_CHECK_NANOS));
                    break;
                } catch (UnconfirmedWritesException e) {
                    if (System.nanoTime() >= deadline) {
                        throw e;
                    }
                    if (cutOff.getAsBoolean()) {
                        discard();
                        throw new OutputException("the broker dropped this instance's consumers while its writes to"
                                + " topic '" + e.topic() + "' were unconfirmed; they are dropped, and their input"
                                + " goes to the key groups' owner", e);
                    }
                }
            }
        }
        for (ConnectorSinkOutput sink : connectorSinks.values()) {
            sink.flush(stopping);
        }
        return failures.isEmpty() ? List.of() : refused();
    }

    /**
     * Sends everything held back without waiting, and hands what the sink connectors hold to them
     * (waiting for that). The future completes once every write so far is reported; the refused ones
     * are then in {@link #refused()}.
     */
    public java.util.concurrent.CompletableFuture<Void> sendAll() {
        List<java.util.concurrent.CompletableFuture<Void>> receipts = new ArrayList<>(outputs.size());
        for (Output output : outputs.values()) {
            output.drain();
            receipts.add(output.receipts());
        }
        for (ConnectorSinkOutput sink : connectorSinks.values()) {
            sink.flush(stopping);
        }
        return java.util.concurrent.CompletableFuture.allOf(receipts.toArray(new java.util.concurrent.CompletableFuture[0]));
    }

    /** Takes the writes refused since the last call, in the order they were reported per topic. */
    public List<OutputFailure> refused() {
        List<OutputFailure> refused = new ArrayList<>();
        OutputFailure failure;
        while ((failure = failures.poll()) != null) {
            refused.add(failure);
        }
        return refused;
    }

    /** Whether a write was refused since {@link #refused()} was last called; safe from any thread. */
    public boolean anyRefused() {
        return !failures.isEmpty();
    }

    /** Unloads the topics whose refusals show a stuck transaction buffer (see {@link PulsarErrors#endedTransaction}). */
    public void unstick(List<OutputFailure> refused) {
        java.util.Set<String> topics = new java.util.LinkedHashSet<>();
        for (OutputFailure failure : refused) {
            if (PulsarErrors.endedTransaction(failure.error())) {
                topics.add(failure.topic());
            }
        }
        topics.forEach(topic -> PulsarErrors.unloadStuckTopic(admin, topic, "refused transactional writes for a"
                + " transaction that had ended"));
    }

    /**
     * Unloads a topic whose transactional writes were not confirmed in time: a Pulsar 4.0.7 topic whose
     * transaction buffer failed its first snapshot (two producers' first transactional writes at once)
     * answers every later write with an error the client does not report, so the writes time out.
     */
    public void unstick(UnconfirmedWritesException timedOut) {
        PulsarErrors.unloadStuckTopic(admin, timedOut.topic(), "confirmed no transactional write within"
                + " producer.send.timeout (its transaction buffer may have failed its first snapshot)");
    }

    /** Unloads the topics with writes still unconfirmed, after a commit waited for them too long. */
    public void unstickUnconfirmed() {
        for (Output output : outputs.values()) {
            if (output.unconfirmed()) {
                unstick(new UnconfirmedWritesException(output.topic(), "writes to topic '" + output.topic()
                        + "' were not confirmed in time", null));
            }
        }
    }

    /**
     * Drops what is held back and closes the producers, failing what they have not sent: after a lost
     * lease, the records that made these outputs are processed again by whoever owns them now.
     */
    public void discard() {
        outputs.values().forEach(Output::close);
        outputs.clear();
        connectorSinks.values().forEach(ConnectorSinkOutput::discard);
        failures.clear();
    }

    public void close() {
        outputs.values().forEach(Output::close);
        outputs.clear();
        connectorSinks.values().forEach(ConnectorSinkOutput::close);
    }

    private Output create(String topic, SinkTarget target) {
        ProducerBuilder<Object> builder;
        switch (target.batching()) {
            case DISABLED:
                builder = producers.to(topic, target.valueSchema()).enableBatching(false);
                break;
            case KEY_BASED:
                builder = producers.to(topic, target.valueSchema()).enableBatching(true)
                        .batcherBuilder(BatcherBuilder.KEY_BASED);
                break;
            case KEY_GROUP:
                builder = producers.keyGroupBatched(topic, target.valueSchema(), maxBatchRecords, commitInterval);
                break;
            default:
                builder = producers.to(topic, target.valueSchema()).enableBatching(true);
        }
        try {
            Output output = new Output(topic, target, builder.create(), maxBatchRecords, failures, producers);
            output.runsLeaveAsTheyEnd(flushingCaches);
            metrics.recordsOut(target.node(), topic, output, o -> o.written);
            return output;
        } catch (Exception e) {
            if (SchemaMismatch.isRefusal(e)) {
                throw new JobStartException("sink '" + target.node() + "' cannot write: "
                        + SchemaMismatch.explain(admin, topic, target.valueSchema(), "sink '" + target.node() + "'", e), e);
            }
            throw new JobStartException("sink '" + target.node() + "' cannot open a producer (" + producerPrefix
                    + ", value " + Schemas.describe(target.valueSchema()) + ") on topic '" + topic + "': "
                    + PulsarErrors.reason(e), e);
        }
    }
}
