package dev.tributary.runtime.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters of one job's error handling. Failures are rare, so counters tagged by node are looked
 * up when they happen rather than prepared for every node.
 */
public final class TaskMetrics {
    public static final String RETRIED = "tributary.records.retried";
    public static final String HELD = "tributary.records.held";
    public static final String DEAD_LETTERED = "tributary.records.dead.lettered";
    public static final String SKIPPED = "tributary.records.skipped";
    public static final String FAILED = "tributary.records.failed";
    public static final String DEAD_LETTER_WRITE_FAILURES = "tributary.dead.letter.write.failures";
    public static final String OUTPUT_FAILURES = "tributary.output.write.failures";
    public static final String ACK_FAILURES = "tributary.ack.failures";
    public static final String INPUT_PAUSES = "tributary.input.pauses";

    private final MeterRegistry registry;
    private final Tags common;
    private final AtomicLong held = new AtomicLong();
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    public TaskMetrics(MeterRegistry registry, String applicationId) {
        this.registry = registry;
        this.common = Tags.of("application", applicationId);
        registry.gauge(HELD, common, held);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A record's processing failed and it will be tried again. */
    public void retried(String node) {
        counter(RETRIED, node, null).increment();
    }

    public void dead(String node, String kind) {
        counter(DEAD_LETTERED, node, kind).increment();
    }

    public void skipped(String node, String kind) {
        counter(SKIPPED, node, kind).increment();
    }

    public void failed(String node, String kind) {
        counter(FAILED, node, kind).increment();
    }

    public void deadLetterWriteFailed() {
        counter(DEAD_LETTER_WRITE_FAILURES, null, null).increment();
    }

    public void outputFailed(String node) {
        counter(OUTPUT_FAILURES, node, null).increment();
    }

    public void ackFailed() {
        counter(ACK_FAILURES, null, null).increment();
    }

    public void inputPaused() {
        counter(INPUT_PAUSES, null, null).increment();
    }

    /** Records held in memory behind failing keys, now. */
    public void held(long count) {
        held.set(count);
    }

    private Counter counter(String name, String node, String kind) {
        String id = name + '|' + node + '|' + kind;
        Counter counter = counters.get(id);
        if (counter == null) {
            Tags withNode = node == null ? common : common.and("node", node);
            Tags tags = kind == null ? withNode : withNode.and("kind", kind);
            counter = counters.computeIfAbsent(id, k -> registry.counter(name, tags));
        }
        return counter;
    }
}
