package dev.tributary.runtime.internal.input;

import java.util.List;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * Chooses across inputs (a consumer per partition) whose record is processed next: the smallest
 * time among their next records, as Kafka Streams' PartitionGroup does. An input with nothing
 * buffered is waited for up to {@code input.partition.max-wait}, since it may hold earlier records
 * still in flight; then the others go on without it until it has records again. Without this, a
 * catch-up reads some partitions far ahead of others and their records all look late.
 */
public final class TimeOrder {
    private final long maxWaitNanos;
    private Input waitFor;
    private int turn;

    public TimeOrder(long maxWaitNanos) {
        this.maxWaitNanos = maxWaitNanos;
    }

    /**
     * @return the input whose next record comes next, or null if none may go now: then
     *     {@link #waitFor()} names the empty input worth waiting for, if any
     */
    public Input next(List<Input> inputs, long nowNanos) throws PulsarClientException {
        Input first = null;
        waitFor = null;
        for (Input input : inputs) {
            if (input.isClosed()) {
                continue;
            }
            if (!input.peek(nowNanos)) {
                // Every empty input's wait starts now, not once the one before it has expired: waited for one
                // after another, a task with many (key groups claimed one by one, each with a consumer per
                // partition) stalled for minutes on partitions that had nothing yet.
                boolean worth = input.worthWaitingFor(nowNanos, maxWaitNanos);
                if (waitFor == null && worth) {
                    waitFor = input;
                }
                continue;
            }
            if (first == null || input.headTime() < first.headTime()) {
                first = input;
            }
        }
        return waitFor != null ? null : first;
    }

    /**
     * Hands records to the task smallest time first, until none may go or the limit is reached.
     *
     * @return how many it handed over
     */
    public int drain(List<Input> inputs, int limit,
                     java.util.function.BiConsumer<Input, org.apache.pulsar.client.api.Message<Object>> handle,
                     java.util.function.BooleanSupplier stop) throws PulsarClientException {
        int count = 0;
        Input next;
        while (count < limit && !stop.getAsBoolean() && (next = next(inputs, System.nanoTime())) != null) {
            handle.accept(next, next.take());
            count++;
        }
        return count;
    }

    /** Blocks for a while on the input worth waiting for, else on each in turn. */
    public void await(List<Input> inputs, int waitMillis) throws PulsarClientException {
        Input input = waitFor != null ? waitFor : inputs.get(Math.floorMod(turn++, inputs.size()));
        input.peek(waitMillis);
    }

    /** Forward topics carry strays only: never waited for. */
    public static void exemptForwards(List<Input> inputs, java.util.function.Function<String, String> forwardTopics) {
        for (Input input : inputs) {
            if (input.source().topics().contains(forwardTopics.apply(input.source().name()))) {
                input.exemptFromWaiting();
            }
        }
    }

    /** The empty input the last {@link #next} found worth waiting for, or null. */
    public Input waitFor() {
        return waitFor;
    }
}
