package dev.tributary.runtime.internal.output;

import dev.tributary.dsl.connect.Sink;
import dev.tributary.dsl.connect.SinkRecord;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.pulsar.ConnectorRejection;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink connector of a task: the records written to it since its last write, handed over in
 * batches, and at every commit before the input is acknowledged. While the target is unavailable the
 * commit waits here, writing the batch again with backoff, so nothing is acknowledged that the target
 * does not have.
 */
final class ConnectorSinkOutput {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorSinkOutput.class);
    private static final long FIRST_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final String name;
    private final Sink<Object, Object> sink;
    private final int batchSize;
    private final long maxDelayNanos;
    private final Queue<OutputFailure> failures;
    private final Counter written;
    private final Counter batches;
    private final Counter unavailableWrites;
    private final Counter refused;
    private final Timer writeTime;
    private final AtomicLong unavailableSinceMillis = new AtomicLong();
    private List<Pending> buffer = new ArrayList<>();
    /** The early write at a full batch failed: leave the rest to the commit's patient write. */
    private boolean failing;
    private String lastReason = "";

    @SuppressWarnings("unchecked")
    ConnectorSinkOutput(String name, Sink<?, ?> sink, int batchSize, Duration maxDelay, Queue<OutputFailure> failures,
                        MeterRegistry registry, Tags tags) {
        this.name = name;
        this.sink = (Sink<Object, Object>) sink;
        this.batchSize = batchSize;
        this.maxDelayNanos = maxDelay.toNanos();
        this.failures = failures;
        Tags sinkTags = tags.and("sink", name);
        this.written = Counter.builder("tributary.sink.records").description("Records a sink connector confirmed")
                .tags(sinkTags).register(registry);
        this.batches = Counter.builder("tributary.sink.batches").tags(sinkTags).register(registry);
        this.unavailableWrites = Counter.builder("tributary.sink.write.failures").tags(sinkTags.and("kind", "unavailable"))
                .description("Batch writes that failed because the target was unavailable").register(registry);
        this.refused = Counter.builder("tributary.sink.write.failures").tags(sinkTags.and("kind", "refused"))
                .description("Records the target refused").register(registry);
        this.writeTime = Timer.builder("tributary.sink.write").tags(sinkTags).register(registry);
        registry.gauge("tributary.sink.unavailable", sinkTags, unavailableSinceMillis, a -> a.get() > 0 ? 1 : 0);
    }

    String name() {
        return name;
    }

    /** Epoch millis since when writes fail, 0 while the target is available. */
    long unavailableSince() {
        return unavailableSinceMillis.get();
    }

    String lastReason() {
        return lastReason;
    }

    void write(Record<Object, Object> record, WriteOrigin origin) {
        buffer.add(new Pending(record, origin));
        if (buffer.size() >= batchSize && !failing) {
            try {
                writeBatch();
            } catch (Exception e) {
                unavailable(e);
                failing = true;
            }
        }
    }

    /**
     * Writes what is buffered, retrying with backoff while the target is unavailable.
     *
     * @param stopping turns true when the job stops or aborts; the wait then ends unwritten
     * @throws SinkUnavailableException if the job stops while the target is unavailable
     */
    void flush(BooleanSupplier stopping) {
        long delay = FIRST_DELAY_NANOS;
        long nextReport = 0;
        while (!buffer.isEmpty()) {
            try {
                writeBatch();
                continue;
            } catch (Exception e) {
                unavailable(e);
            }
            long now = System.nanoTime();
            if (now >= nextReport) {
                LOG.warn("Sink '{}' cannot write (unavailable since {}): {}; {} record(s) wait unacknowledged and are"
                        + " written again every {} ms at most", name, java.time.Instant.ofEpochMilli(unavailableSinceMillis.get()),
                        lastReason, buffer.size(), TimeUnit.NANOSECONDS.toMillis(maxDelayNanos));
                nextReport = now + REPORT_EVERY_NANOS;
            }
            long until = System.nanoTime() + delay;
            while (System.nanoTime() < until) {
                if (stopping.getAsBoolean()) {
                    throw new SinkUnavailableException("sink '" + name + "' is unavailable (" + lastReason + ") as the"
                            + " job stops; " + buffer.size() + " record(s) for it are not acknowledged and are delivered"
                            + " again");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(Math.min(until - System.nanoTime(), 20_000_000));
            }
            delay = Math.min(delay * 2, maxDelayNanos);
        }
        failing = false;
        if (unavailableSinceMillis.get() > 0) {
            LOG.info("Sink '{}' writes again after {} s unavailable", name,
                    (System.currentTimeMillis() - unavailableSinceMillis.get()) / 1000);
            unavailableSinceMillis.set(0);
        }
    }

    /** Writes the first batch of the buffer; on success, its refused records go to the failure queue. */
    private void writeBatch() throws Exception {
        List<Pending> batch = buffer.size() <= batchSize ? buffer : new ArrayList<>(buffer.subList(0, batchSize));
        long began = System.nanoTime();
        sink.write(java.util.Collections.unmodifiableList(batch));
        writeTime.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        batches.increment();
        int failed = 0;
        for (Pending pending : batch) {
            if (pending.failure != null) {
                failed++;
                failures.add(new OutputFailure(pending.origin, name, "sink connector '" + name + "'",
                        new ConnectorRejection("sink '" + name + "' refused the record: "
                                + PulsarErrors.reason(pending.failure), pending.failure, pending.retriable)));
            }
        }
        written.increment(batch.size() - failed);
        refused.increment(failed);
        buffer = batch == buffer ? new ArrayList<>() : new ArrayList<>(buffer.subList(batch.size(), buffer.size()));
    }

    private void unavailable(Exception e) {
        unavailableWrites.increment();
        unavailableSinceMillis.compareAndSet(0, System.currentTimeMillis());
        lastReason = PulsarErrors.reason(e);
    }

    /** After a lost lease: what is buffered is processed again by the key groups' new owner. */
    void discard() {
        buffer = new ArrayList<>();
        failing = false;
    }

    void close() {
        try {
            sink.close();
        } catch (Exception e) {
            LOG.warn("Sink '{}' did not close cleanly: {}", name, PulsarErrors.reason(e));
        }
    }

    /** A buffered record as the sink sees it. */
    private static final class Pending implements SinkRecord<Object, Object> {
        private final Record<Object, Object> record;
        private final WriteOrigin origin;
        private Throwable failure;
        private boolean retriable;

        Pending(Record<Object, Object> record, WriteOrigin origin) {
            this.record = record;
            this.origin = origin;
        }

        @Override
        public Object key() {
            return record.key();
        }

        @Override
        public Object value() {
            return record.value();
        }

        @Override
        public long timestamp() {
            return record.timestamp();
        }

        @Override
        public Map<String, String> properties() {
            return record.properties();
        }

        @Override
        public void fail(Throwable cause, boolean retriable) {
            this.failure = java.util.Objects.requireNonNull(cause, "cause");
            this.retriable = retriable;
        }

        @Override
        public String toString() {
            return "SinkRecord{key=" + record.key() + "}";
        }
    }
}
