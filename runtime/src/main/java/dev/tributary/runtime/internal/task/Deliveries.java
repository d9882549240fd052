package dev.tributary.runtime.internal.task;

import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.core.InvalidTimestampException;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.input.Input;
import dev.tributary.runtime.internal.input.UndecodableRecordException;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.output.PulsarRecordCollector;
import dev.tributary.runtime.internal.ownership.KeyGroupOwner;
import java.util.function.Function;
import org.apache.pulsar.client.api.Message;

/**
 * The way of one delivery through a task: it waits for its key group's restore, goes to the key
 * group's owner when that is another instance, or is processed; a failure blocks its key
 * ({@link Failures}); and once it is done (or after all not) the commit learns of it.
 */
final class Deliveries implements Failures.Outcomes {
    private final KeyGroupOwner owner;
    private final KeyGroups keyGroups;
    private final RestoreWaits restoreWaits;
    private final SideWrites sideWrites;
    private final Function<String, String> forwardTopics;
    private final PulsarRecordCollector collector;
    private final TaskCore core;
    private final TaskMetrics metrics;
    /** Under exactly-once, what keeps input whose acknowledgement committed from being processed again; else null. */
    private final RedeliveryGuard guard;
    /** Told when blocked keys may have changed what the inputs must pause for. */
    private final Runnable blockedChanged;
    private final Failures failures;
    /** Set once, right after construction: the commit is built with this as its outcomes. */
    private Commit commit;
    private long sequence;
    /** Records done, counted on the task's thread. */
    private long processed;

    Deliveries(KeyGroupOwner owner, KeyGroups keyGroups, RestoreWaits restoreWaits, SideWrites sideWrites,
               Function<String, String> forwardTopics, PulsarRecordCollector collector, TaskCore core,
               TaskMetrics metrics, RedeliveryGuard guard, ErrorHandling errors, Runnable blockedChanged) {
        this.owner = owner;
        this.keyGroups = keyGroups;
        this.restoreWaits = restoreWaits;
        this.sideWrites = sideWrites;
        this.forwardTopics = forwardTopics;
        this.collector = collector;
        this.core = core;
        this.metrics = metrics;
        this.guard = guard;
        this.blockedChanged = blockedChanged;
        this.failures = new Failures(errors, keyGroups, sideWrites, metrics, this);
    }

    Failures failures() {
        return failures;
    }

    void commitsTo(Commit commit) {
        this.commit = commit;
    }

    /** Records done so far. */
    long processed() {
        return processed;
    }

    /** A message as received. */
    void handle(Input input, Message<Object> message) {
        Delivery delivery = new Delivery(input, message, ++sequence);
        if (!owner.ownsAll()) {
            byte[] routing = delivery.routing();
            if (routing != null) {
                int group = keyGroups.ofKeyBytes(routing);
                if (owner.restoring() && owner.restoring(group)) {
                    restoreWaits.hold(group, delivery);
                    return;
                }
                if (!owner.runs(group) && forwarded(delivery, routing)) {
                    return;
                }
            }
        }
        process(delivery);
    }

    /** A record that waited for its key group's restore, which is over (or the group left). */
    void handleWaited(Delivery delivery) {
        if (!owner.ownsAll() && misrouted(delivery)) {
            return;
        }
        process(delivery);
    }

    /** Retries the keys whose wait is over, and side writes whose backoff is over. */
    void retryDue() {
        long now = System.nanoTime();
        failures.retryDue(now, this::attempt);
        sideWrites.retryDue(now, this::misrouted, delivery -> {
            // Its key group runs here by now.
            if (!failures.holdIfBlocked(delivery) && !attempt(delivery)) {
                failures.block(delivery);
            }
        });
        blockedChanged.run();
    }

    private void process(Delivery delivery) {
        if (failures.holdIfBlocked(delivery)) {
            blockedChanged.run();
            return;
        }
        if (!attempt(delivery)) {
            failures.block(delivery);
        }
    }

    /**
     * A record of a key group that does not run here is forwarded to its owner, unless it cannot be
     * decoded (no owner could process it: it goes to the error policy here).
     *
     * @return true if the record was taken care of
     */
    private boolean misrouted(Delivery delivery) {
        byte[] routing = delivery.routing();
        return routing != null && !owner.runs(keyGroups.ofKeyBytes(routing)) && forwarded(delivery, routing);
    }

    /** Forwards a record of a key group that runs elsewhere, unless it cannot be decoded; true if forwarded. */
    private boolean forwarded(Delivery delivery, byte[] routing) {
        try {
            delivery.input.decode(delivery.message);
        } catch (UndecodableRecordException | InvalidTimestampException e) {
            return false;
        }
        sideWrites.forward(delivery, forwardTopics.apply(delivery.input.source().name()), routing);
        return true;
    }

    /**
     * Decodes and processes a delivery once.
     *
     * @return true if the key may move on (the record is done, skipped or on its way to the dead-letter
     *     topic), false if it waits for a retry
     */
    private boolean attempt(Delivery delivery) {
        delivery.attempt();
        if (guard != null && guard.committedBefore(delivery, delivery.routing())) {
            done(delivery);
            return true;
        }
        Input input = delivery.input;
        Record<Object, Object> record;
        try {
            record = input.decode(delivery.message);
        } catch (UndecodableRecordException e) {
            return failures.settle(delivery, new Delivery.Failure(Delivery.Kind.UNDECODABLE, input.source().name(), e,
                    false));
        } catch (InvalidTimestampException e) {
            return failures.settle(delivery, new Delivery.Failure(Delivery.Kind.INVALID_TIMESTAMP,
                    input.source().name(), e, false));
        }
        collector.origin(delivery);
        try {
            core.process(input.processor(), record);
        } catch (ProcessingException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof dev.tributary.state.StateException state) {
                // The disk, not the record: retrying or dead-lettering it would be wrong; the task stops.
                throw state;
            }
            return failures.failed(delivery, new Delivery.Failure(Delivery.Kind.of(cause), e.node(), cause,
                    e.retriable()));
        } finally {
            collector.origin(null);
        }
        done(delivery);
        return true;
    }

    @Override
    public void done(Delivery delivery) {
        boolean forwarded = delivery.state() == Delivery.State.FORWARDING;
        delivery.done();
        if (!delivery.input.resolved(delivery.message)) {
            return;
        }
        commit.recordDone();
        if (guard != null && !forwarded) {
            guard.done(delivery, delivery.routing());
        }
        if ((++processed & 15) == 0) {
            metrics.latency(System.currentTimeMillis() - delivery.message.getPublishTime());
        }
    }

    @Override
    public void undone(Delivery delivery) {
        if (guard != null) {
            guard.undone(delivery);
        }
        delivery.input.withdraw(delivery.message);
        commit.recordUndone();
        processed--;
    }
}
