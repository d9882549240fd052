package dev.tributary.runtime.internal.task;

import dev.tributary.runtime.ErrorPolicy;
import dev.tributary.runtime.LatePolicy;
import dev.tributary.runtime.internal.core.LateRecordException;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.HeldKeys;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.output.OutputException;
import dev.tributary.runtime.internal.output.OutputFailure;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a task does with records that fail: retries with backoff while later records of the same key
 * wait behind them (other keys flow), and, once retries are spent or pointless, the node's error
 * policy: dead letter, skip, or fail the job. Output writes the broker refuses at a commit come here
 * too, traced to the delivery they came from.
 */
final class Failures {
    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    /** Where failed deliveries go under the dead-letter policy. */
    interface DeadLetterRoute {
        String topicFor(Delivery delivery);

        /** Starts writing it; the task is told once it is written. */
        void deadLetter(Delivery delivery);
    }

    /** What the task does when a delivery is settled, and when a settled one is taken back. */
    interface Outcomes {
        /** The delivery is done with: it is acknowledged at the next commit. */
        void done(Delivery delivery);

        /** A done delivery is not after all (its output was refused): it is no longer in the next commit. */
        void undone(Delivery delivery);
    }

    private final ErrorHandling errors;
    private final KeyedRetries retries;
    private final DeadLetterRoute deadLetters;
    private final TaskMetrics metrics;
    private final Outcomes outcomes;

    Failures(ErrorHandling errors, KeyGroups keyGroups, DeadLetterRoute deadLetters, TaskMetrics metrics,
             Outcomes outcomes) {
        this.errors = errors;
        this.retries = new KeyedRetries(keyGroups, errors.maxHeldPerKeyGroup());
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.outcomes = outcomes;
    }

    /** Holds a delivery behind its key's failing record, if its key has one; false if it may be processed now. */
    boolean holdIfBlocked(Delivery delivery) {
        if (retries.holdIfBlocked(delivery)) {
            delivery.hold();
            return true;
        }
        return false;
    }

    /** A delivery that waits for a retry blocks its key. */
    void block(Delivery delivery) {
        retries.block(delivery);
    }

    /**
     * A delivery failed: it waits for another attempt, or its node's policy is carried out.
     *
     * @return true if its key may move on, false if it waits for a retry (the caller blocks the key)
     */
    boolean failed(Delivery delivery, Delivery.Failure failure) {
        delivery.failed(failure);
        if (failure.retriable() && delivery.attempts() < errors.attempts()) {
            long delay = errors.backoffNanos(delivery.attempts());
            delivery.retryAt(System.nanoTime() + delay);
            metrics.retried(failure.node());
            LOG.warn("{} failed at node '{}' (attempt {} of {}); retrying in {} ms while later records of its key"
                    + " wait: {}", delivery.describe(), failure.node(), delivery.attempts(), errors.attempts(),
                    delay / 1_000_000, PulsarErrors.reason(failure.error()));
            return false;
        }
        return settle(delivery);
    }

    /**
     * Carries out the node's policy for a record that failed for good, or that no retry can help.
     *
     * @return true: its key may move on
     * @throws RecordFailedException under the fail policy
     */
    boolean settle(Delivery delivery, Delivery.Failure failure) {
        delivery.failed(failure);
        return settle(delivery);
    }

    private boolean settle(Delivery delivery) {
        Delivery.Failure failure = delivery.failure();
        if (failure.kind() == Delivery.Kind.LATE) {
            return late(delivery, failure);
        }
        ErrorPolicy policy = errors.policy(failure.node());
        String why = delivery.describe() + " failed at node '" + failure.node() + "' (" + failure.kind().label
                + (failure.retriable() ? ", after " + delivery.attempts() + " attempt(s)" : ", not retried") + "): "
                + PulsarErrors.reason(failure.error());
        switch (policy) {
            case SKIP:
                metrics.skipped(failure.node(), failure.kind().label);
                LOG.warn("Skipping {} (errors.policy skip)", why);
                outcomes.done(delivery);
                return true;
            case FAIL:
                metrics.failed(failure.node(), failure.kind().label);
                throw new RecordFailedException(why + "; the error policy of node '" + failure.node() + "' is fail,"
                        + " so the job stops; the record is not acknowledged and is delivered again when the job"
                        + " restarts", failure.error());
            default:
                LOG.warn("Dead-lettering {} to '{}'", why, deadLetters.topicFor(delivery));
                delivery.deadLettering();
                deadLetters.deadLetter(delivery);
                return true;
        }
    }

    /** A late record goes where windows.late.policy says, counted whatever the policy. */
    private boolean late(Delivery delivery, Delivery.Failure failure) {
        long lateness = failure.error() instanceof LateRecordException late ? late.lateness() : 0;
        metrics.late(failure.node(), lateness);
        if (errors.latePolicy() == LatePolicy.SKIP) {
            LOG.debug("Skipping late {} (windows.late.policy skip): {}", delivery.describe(), failure.error().getMessage());
            outcomes.done(delivery);
            return true;
        }
        LOG.debug("Routing late {} to '{}': {}", delivery.describe(), deadLetters.topicFor(delivery),
                failure.error().getMessage());
        delivery.deadLettering();
        deadLetters.deadLetter(delivery);
        return true;
    }

    /**
     * Retries the keys whose wait is over, then the records that waited behind them, in order.
     *
     * @param attempt processes a delivery once; true if its key may move on
     */
    void retryDue(long nowNanos, Predicate<Delivery> attempt) {
        KeyedRetries.Blocked entry;
        while ((entry = retries.pollDue(nowNanos)) != null) {
            if (!attempt.test(entry.head)) {
                retries.reschedule(entry);
                continue;
            }
            Delivery next;
            while ((next = retries.release(entry)) != null) {
                if (!attempt.test(next)) {
                    retries.blockAgain(entry, next);
                    break;
                }
            }
        }
    }

    /**
     * Writes the broker refused: the records they came from are taken back from this commit and go
     * through retries and policies like records whose processing failed. Their key's later records may
     * already be done, so for them per-key order is not kept.
     *
     * @throws OutputException if a refused write derives from no input record (a table update, a punctuation)
     */
    void outputsRefused(List<OutputFailure> refused) {
        Map<Delivery, OutputFailure> byOrigin = new IdentityHashMap<>();
        for (OutputFailure failure : refused) {
            metrics.outputFailed(failure.sink());
            if (!(failure.origin() instanceof Delivery delivery)) {
                throw new OutputException("cannot write to topic '" + failure.topic() + "' (sink '" + failure.sink()
                        + "'): " + PulsarErrors.reason(failure.error()) + "; the record derives from no single input"
                        + " record (a table update or a punctuation), so the job stops and the input since the last"
                        + " commit is delivered again", failure.error());
            }
            byOrigin.putIfAbsent(delivery, failure);
        }
        List<Delivery> origins = new ArrayList<>(byOrigin.keySet());
        // Latest first: each goes in front of its key, so the earliest ends up at the head.
        origins.sort(Comparator.comparingLong((Delivery d) -> d.sequence).reversed());
        for (Delivery delivery : origins) {
            if (!delivery.isDone() || delivery.input.isClosed()) {
                // Written by an attempt that failed later on: the delivery is on a failure path already.
                continue;
            }
            OutputFailure failure = byOrigin.get(delivery);
            delivery.undone();
            outcomes.undone(delivery);
            if (!failed(delivery, new Delivery.Failure(Delivery.Kind.OUTPUT, failure.sink(), failure.error(),
                    PulsarErrors.retriable(failure.error())))) {
                retries.block(delivery);
            }
        }
    }

    /** When the next retry is due, or Long.MAX_VALUE if none is waiting. */
    long nextDueNanos() {
        return retries.nextDueNanos();
    }

    /** Whether some key group holds as many records behind failing keys as it may. */
    boolean overLimit() {
        return retries.overLimit();
    }

    int maxHeldPerKeyGroup() {
        return errors.maxHeldPerKeyGroup();
    }

    /** Records waiting: the failing heads and those held behind them. */
    long waiting() {
        return retries.held() + retries.blockedKeys();
    }

    /** What is held behind failing keys now, naming the {@code top} longest failing keys. */
    HeldKeys heldKeys(int top) {
        return retries.snapshot(top, delivery -> PulsarErrors.reason(delivery.failure().error()));
    }

    int blockedKeys() {
        return retries.blockedKeys();
    }

    boolean isEmpty() {
        return retries.isEmpty();
    }

    /** Forgets every failing key (after a lost lease: none of it is acknowledged). */
    void clear() {
        retries.clear();
    }

    /** Forgets the deliveries that match (their consumer closed: the broker delivers them again). */
    void removeIf(Predicate<Delivery> drop) {
        retries.removeIf(drop);
    }
}
