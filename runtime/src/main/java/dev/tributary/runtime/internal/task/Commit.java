package dev.tributary.runtime.internal.task;

import dev.tributary.runtime.internal.changelog.PulsarChangelog;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.faults.CrashPoints;
import dev.tributary.runtime.internal.input.Input;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.output.OutputException;
import dev.tributary.runtime.internal.output.OutputFailure;
import dev.tributary.runtime.internal.output.PulsarRecordCollector;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import dev.tributary.state.StateDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit protocol of one task, and the count of records it will acknowledge. A commit writes
 * out the caches (their table updates become outputs), makes the changelogs durable (a fenced
 * instance learns it here, before any of its held-back outputs leave), sends the outputs and waits
 * for their receipts (refused writes go back to their records' failure path), waits for dead-letter
 * and forward writes, and only then acknowledges the input done since the last commit. A crash
 * anywhere before the acknowledgement delivers the input again. Checkpoints follow commits every
 * {@code state.checkpoint.interval}. Under exactly-once the same steps go into one transaction, which
 * ends in the background ({@link TransactionalCommit}).
 */
final class Commit {
    private static final Logger LOG = LoggerFactory.getLogger(Commit.class);

    /** How a commit ended. */
    enum Outcome {
        /** Everything done since the last commit is durable and acknowledged (or there was nothing). */
        COMMITTED,
        /** The changelog was fenced or cut off: another instance may run these key groups; nothing counts. */
        LEASE_LOST,
        /** Under exactly-once, the commit's transaction was aborted: nothing of it counts, its input comes again. */
        ABORTED
    }

    private final String task;
    private final TaskCore core;
    private final PulsarChangelog changelog;
    private final StateDirectory stateDirectory;
    private final PulsarRecordCollector collector;
    private final SideWrites sideWrites;
    private final Failures failures;
    private final TaskMetrics metrics;
    private final TaskSettings settings;
    private final Failures.Outcomes outcomes;
    private int uncommitted;
    private long commits;
    private long nextCheckpoint;
    private String lostBecause;
    /** The task's transactions under exactly-once, or null. */
    private final dev.tributary.runtime.internal.pulsar.Transactions transactions;
    /** Under exactly-once, the commits ending in the background, or null. */
    private final TransactionalCommit transactional;
    /** Under exactly-once, writes that belong to what the commit acknowledges, run before the state is flushed. */
    private final Runnable beforeState;

    /**
     * @param changelog the task's changelogs, or null when no store is logged
     * @param stateDirectory where checkpoints go, or null for a stateless topology
     * @param outcomes what the task does with dead letters and forwards once they are written
     * @param beforeState under exactly-once, run before each commit flushes the state
     */
    Commit(String task, TaskCore core, PulsarChangelog changelog, StateDirectory stateDirectory,
           PulsarRecordCollector collector, SideWrites sideWrites, Failures failures, TaskMetrics metrics,
           TaskSettings settings, Failures.Outcomes outcomes,
           dev.tributary.runtime.internal.pulsar.Transactions transactions, Runnable beforeState) {
        this.task = task;
        this.beforeState = beforeState;
        this.transactions = transactions;
        this.core = core;
        this.changelog = changelog;
        this.stateDirectory = stateDirectory;
        this.collector = collector;
        this.sideWrites = sideWrites;
        this.failures = failures;
        this.metrics = metrics;
        this.settings = settings;
        this.outcomes = outcomes;
        this.nextCheckpoint = System.nanoTime() + settings.checkpointIntervalNanos();
        this.transactional = transactions == null ? null
                : new TransactionalCommit(task, core, changelog, collector, transactions, metrics, settings);
    }

    /** A record is done with and awaits this commit. */
    void recordDone() {
        uncommitted++;
    }

    /** A record reported done is not after all. */
    void recordUndone() {
        uncommitted--;
    }

    /** Records done since the last commit. */
    int uncommitted() {
        return uncommitted;
    }

    /**
     * Under exactly-once, whether a due commit should wait: the one before it is still ending, and the
     * open transaction may take more. Sealing it now would only stop the task until the one before it
     * ended; going on fills it instead, so the broker's cost per commit is spread over more records.
     */
    boolean deferred() {
        return transactional != null && transactional.ending() && uncommitted < settings.commitMaxRecords()
                && !transactions.openLong();
    }

    /** Commits that acknowledged input. */
    long commits() {
        return transactional != null ? transactional.commits() : commits;
    }

    /** Why the last commit lost the lease. */
    String lostBecause() {
        return transactional != null ? transactional.lostBecause() : lostBecause;
    }

    /** Writes out the record caches; their emitted outputs leave key group by key group as each run ends. */
    private void flushState() {
        collector.flushingCaches(true);
        try {
            core.flushState();
        } finally {
            collector.flushingCaches(false);
        }
    }

    /**
     * Runs one commit. Punctuations can change state without input, so the flushes run even when
     * nothing awaits acknowledgement.
     *
     * @param inputs the inputs whose done deliveries are acknowledged
     * @param leaseLost whether the broker dropped consumers of this instance, which turns any changelog
     *     failure into a lost lease rather than an error
     * @param drain under exactly-once, whether to wait until the commit's transaction ended rather than
     *     let it end in the background (before key groups leave, and before stopping)
     */
    Outcome run(List<Input> inputs, BooleanSupplier leaseLost, boolean drain) throws Exception {
        if (transactions != null) {
            return runTransaction(inputs, leaseLost, drain);
        }
        long began = System.nanoTime();
        flushState();
        if (changelog != null) {
            try {
                changelog.flush();
            } catch (OutputException e) {
                // A broker that went away is waited for: the key groups are claimed again once it is back.
                if (!(e instanceof dev.tributary.runtime.internal.changelog.FencedException) && !leaseLost.getAsBoolean()
                        && !PulsarErrors.retriable(e.getCause())) {
                    throw e;
                }
                lostBecause = e.getMessage();
                return Outcome.LEASE_LOST;
            }
        }
        List<OutputFailure> refused;
        try {
            refused = collector.flushReportingFailures(leaseLost);
        } catch (dev.tributary.runtime.internal.output.SinkUnavailableException e) {
            throw e;
        } catch (OutputException e) {
            // Receipts that never came: the broker is unreachable; nothing of this commit is acknowledged.
            lostBecause = e.getMessage();
            return Outcome.LEASE_LOST;
        }
        if (!refused.isEmpty()) {
            failures.outputsRefused(refused);
        }
        awaitSideWrites();
        if (uncommitted > 0) {
            CrashPoints.reached(CrashPoints.Point.AFTER_OUTPUTS_FLUSHED);
            acknowledge(inputs);
            CrashPoints.reached(CrashPoints.Point.AFTER_COMMIT);
            metrics.commitTimer().record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        }
        if (System.nanoTime() >= nextCheckpoint) {
            checkpoint();
        }
        return Outcome.COMMITTED;
    }

    /**
     * One commit under exactly-once: everything written since the last commit and the acknowledgement
     * of the input done since are in the task's open transaction, which is sealed and ends in the
     * background ({@link TransactionalCommit}). The commit in flight before it is waited for first.
     */
    private Outcome runTransaction(List<Input> inputs, BooleanSupplier leaseLost, boolean drain) throws Exception {
        long began = System.nanoTime();
        try {
            Outcome previous = transactional.finish(leaseLost);
            if (previous != Outcome.COMMITTED) {
                return previous;
            }
            // Dead letters confirmed now are done, and acknowledged in this transaction: so is what records them.
            awaitSideWrites();
            beforeState.run();
            long flushing = System.nanoTime();
            flushState();
            metrics.commitPhase("state").record(System.nanoTime() - flushing, TimeUnit.NANOSECONDS);
            if (uncommitted == 0 && !transactions.used()) {
                if (transactions.idleTooLong()) {
                    // Nothing in it: ended before the broker's timeout would, and opened again when needed.
                    transactions.abort("idle");
                }
                checkpointIfDue();
                return Outcome.COMMITTED;
            }
            if (leaseLost.getAsBoolean()) {
                // A consumer that lost its connection since it subscribed may have had this commit's input
                // delivered again, to itself or another instance: committing would count it twice.
                return transactional.abort(Outcome.LEASE_LOST, "lease-lost", "the broker dropped consumers of this"
                        + " instance since they subscribed; their input may have been delivered again");
            }
            transactional.seal(inputs, uncommitted, began);
            uncommitted = 0;
            Outcome outcome = drain ? transactional.finish(leaseLost) : Outcome.COMMITTED;
            if (outcome == Outcome.COMMITTED) {
                checkpointIfDue();
            }
            return outcome;
        } catch (dev.tributary.runtime.internal.output.SinkUnavailableException e) {
            // Asked to stop while a sink is down: nothing of this commit counts.
            transactional.abort(Outcome.ABORTED, "sink-unavailable", e.getMessage());
            throw e;
        } catch (OutputException | dev.tributary.runtime.internal.pulsar.TransactionException e) {
            return transactional.abort(Outcome.ABORTED, "commit-failed", e.getMessage());
        }
    }

    /** Waits for the dead letters and forwards; each confirmed one's delivery is done with. */
    private void awaitSideWrites() throws InterruptedException {
        sideWrites.await(System.nanoTime() + settings.sendTimeoutNanos());
        sideWrites.collect(delivery -> {
            if (!sideWrites.wentToLateTopic(delivery)) {
                metrics.dead(delivery.failure().node(), delivery.failure().kind().label);
            }
            outcomes.done(delivery);
        }, outcomes::done);
    }

    private void checkpointIfDue() {
        if (System.nanoTime() >= nextCheckpoint) {
            checkpoint();
        }
    }

    /** After a lost lease: nothing done since the last commit is acknowledged. */
    void discard(List<Input> inputs) {
        if (transactional != null) {
            transactional.discard();
        }
        for (Input input : inputs) {
            input.clearAcks();
        }
        uncommitted = 0;
    }

    private void acknowledge(List<Input> inputs) throws InterruptedException {
        List<CompletableFuture<Void>> acks = new ArrayList<>(inputs.size());
        long count = 0;
        for (Input input : inputs) {
            count += input.pendingAcks();
        }
        metrics.acked(count);
        for (Input input : inputs) {
            acks.add(input.commitAcks(null));
        }
        try {
            CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get(settings.ackTimeoutMillis(),
                    TimeUnit.MILLISECONDS);
            commits++;
        } catch (ExecutionException | TimeoutException e) {
            // An acknowledgement that does not arrive means redelivery, never loss: the records are done.
            metrics.ackFailed();
            LOG.warn("Task {}: acknowledgements of a commit did not complete ({}); those records may be delivered"
                    + " again", task, PulsarErrors.reason(e));
        }
        uncommitted = 0;
    }

    /** Local files are flushed and the changelog positions they reflect recorded, after a commit. */
    void checkpoint() {
        if (changelog != null && stateDirectory != null) {
            changelog.checkpoint(core.state(), stateDirectory);
        }
        // Counted here, on the task's thread, because the stores are not safe to read from another.
        core.state().approximateEntries().forEach((store, entries) ->
                metrics.gauge(TaskMetrics.STATE_ENTRIES, "store", store).set(entries));
        core.state().approximateBytes().forEach((store, bytes) ->
                metrics.gauge(TaskMetrics.STATE_BYTES, "store", store).set(bytes));
        nextCheckpoint = System.nanoTime() + settings.checkpointIntervalNanos();
    }
}
