package dev.tributary.runtime.internal.task;

import dev.tributary.runtime.internal.changelog.PulsarChangelog;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.input.Input;
import dev.tributary.runtime.internal.input.TimeOrder;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.HeldKeys;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.output.PulsarRecordCollector;
import dev.tributary.runtime.internal.output.SinkUnavailableException;
import dev.tributary.runtime.internal.ownership.KeyGroupOwner;
import dev.tributary.runtime.internal.ownership.OwnershipChange;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.Transactions;
import dev.tributary.state.StateDirectory;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one processing thread: receive, process, retry what failed, and commit every interval
 * or every N records (see {@link Commit}).
 *
 * <p>A record that fails blocks its key: it is retried with backoff while later records of that key
 * wait behind it and other keys flow. A record that fails for good, does not decode, or whose output
 * is refused follows its node's error policy ({@link Failures}). It is acknowledged only when that
 * policy is carried out: once written to the dead-letter topic, or skipped.
 */
public final class StreamTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTask.class);
    private static final int DRAIN_LIMIT = 1000;
    /** How many failing keys the ops server can name, longest failing first. */
    public static final int HELD_VIEW_KEYS = 100;
    /** How long an input must stay empty before held-back outputs leave ahead of the commit. */
    private static final int IDLE_MILLIS = 5;
    private static final long HELD_VIEW_INTERVAL_NANOS = 500_000_000L;

    private final String name;
    private List<Input> inputs = List.of();
    private final KeyGroupOwner owner;
    private final Function<String, String> forwardTopics;
    private final PulsarRecordCollector collector;
    private final TaskCore core;
    private final PulsarChangelog changelog;
    private final SideWrites sideWrites;
    private final Failures failures;
    private final Deliveries deliveries;
    private final Commit commit;
    private final TaskMetrics metrics;
    private final TaskSettings settings;
    private final TimeOrder timeOrder;
    private final HeldLimit heldLimit;
    private final RestoreWaits restoreWaits = new RestoreWaits();
    /** The task's transactions under exactly-once, or null. */
    private final Transactions transactions;
    /** Under exactly-once, what keeps input whose acknowledgement committed from being processed again; else null. */
    private final RedeliveryGuard guard;
    /** Under exactly-once, when the broker could not open a transaction: the next try, and the backoff. */
    private long nextTransactionTry;
    private long transactionBackoffMillis;
    private volatile String waitingFor;

    private volatile boolean stopRequested;
    private volatile boolean abortRequested;
    private volatile Throwable failure;
    private volatile long processed;
    private volatile long commits;
    private volatile int pendingKeyGroups;

    private long nextCommit;
    private long nextDrain;
    private long nextHeldView;
    /** The failing keys as of the last look, for the ops server's thread. */
    private volatile HeldKeys heldKeys = HeldKeys.NONE;
    private int nextBlocking;
    private Input lastFed;

    /**
     * @param changelog the task's changelogs, or null when no store is logged
     * @param stateDirectory where checkpoints go, or null for a stateless topology
     * @param forwardTopics the forward topic of each source, by source name
     * @param deadLetterTopic the job's one dead-letter topic, normalized, or null for one per input topic
     */
    public StreamTask(String name, KeyGroupOwner owner, PulsarRecordCollector collector, TaskCore core,
                      PulsarChangelog changelog, StateDirectory stateDirectory, ErrorHandling errors,
                      KeyGroups keyGroups, Function<String, String> forwardTopics, TaskMetrics metrics,
                      TaskSettings settings, Producers producers, String applicationId, String deadLetterTopic) {
        this.name = name;
        this.owner = owner;
        this.collector = collector;
        this.core = core;
        this.changelog = changelog;
        this.metrics = metrics;
        this.forwardTopics = forwardTopics;
        this.settings = settings;
        this.timeOrder = new TimeOrder(settings.partitionMaxWaitNanos());
        this.sideWrites = new SideWrites(new DeadLetters(producers, applicationId, deadLetterTopic, metrics,
                errors.latePolicy(), errors.lateTopic()),
                new Forwarder(producers, keyGroups, metrics, settings.maxBatchRecords()), errors);
        this.transactions = producers.transactions();
        this.guard = transactions != null && core.state().specs().stream().anyMatch(RedeliveryGuard::isPositions)
                ? new RedeliveryGuard(core.state(), keyGroups, metrics, !settings.replaying()) : null;
        this.deliveries = new Deliveries(owner, keyGroups, restoreWaits, sideWrites, forwardTopics, collector, core,
                metrics, guard, errors, this::updatePause);
        this.failures = deliveries.failures();
        this.heldLimit = new HeldLimit(name, failures, metrics);
        this.commit = new Commit(name, core, changelog, stateDirectory, collector, sideWrites, failures, metrics,
                settings, deliveries, transactions,
                guard == null ? () -> { } : () -> guard.flush(sideWrites.deadLettering()));
        deliveries.commitsTo(commit);
        collector.stopping(() -> stopRequested || abortRequested);
    }

    /**
     * Claims the assigned key groups before the loop starts, so that errors surface to the caller; the
     * loop restores them, each key group processing as soon as its own restore is done.
     */
    public void start() throws Exception {
        apply(owner.start());
        pendingKeyGroups = owner.pending();
    }

    /** Key groups processing here (claimed and restored); safe from any thread. */
    public java.util.BitSet processingKeyGroups() {
        return owner.processing();
    }

    /** Changelog records restored so far by each key group being read now; safe from any thread. */
    public java.util.Map<Integer, Long> restoreProgress() {
        return owner.restoreProgress();
    }

    /** Key groups assigned here that are not processing yet (being claimed or restored). */
    public int pendingKeyGroups() {
        return pendingKeyGroups;
    }

    @Override
    public void run() {
        nextCommit = System.nanoTime() + settings.commitIntervalNanos();
        try {
            while (!stopRequested && !abortRequested) {
                apply(owner.tick());
                pendingKeyGroups = owner.pending();
                restoreWaits.release(group -> !owner.restoring(group), deliveries::handleWaited, input -> heldLimit.paused());
                if (!transactionOpen()) {
                    continue;
                }
                deliveries.retryDue();
                poll();
                lookAtHeldKeys();
                processed = deliveries.processed();
                core.wallClock(System.currentTimeMillis());
                if ((commit.uncommitted() >= settings.commitMaxRecords() || System.nanoTime() >= nextCommit)
                        && !commit.deferred()) {
                    commit(false);
                } else if (System.nanoTime() >= nextDrain) {
                    // Key-group batches that did not fill within the linger leave without waiting for the commit.
                    drainHeld();
                    nextDrain = System.nanoTime() + settings.lingerNanos();
                }
            }
            if (!abortRequested) {
                try {
                    commit(true);
                } catch (SinkUnavailableException e) {
                    // Not a failure of the job: the input stays unacknowledged for the next run.
                    LOG.warn("Task {}: {}", name, e.getMessage());
                }
                if (transactions != null) {
                    transactions.abort("stopping");
                }
                commit.checkpoint();
                owner.close();
                if (!failures.isEmpty() || sideWrites.waiting() > 0 || restoreWaits.waiting() > 0) {
                    LOG.info("Task {} leaves {} record(s) of {} failing key(s), {} unwritten dead letter(s) and {}"
                            + " record(s) of key groups still restoring unacknowledged; they are delivered again on"
                            + " restart", name, failures.waiting(), failures.blockedKeys(), sideWrites.waiting(),
                            restoreWaits.waiting());
                }
                LOG.info("Task {} stopped after {} records and {} commits", name, deliveries.processed(), commits);
            }
        } catch (SinkUnavailableException e) {
            // Asked to stop while a sink's target was down: its records stay unacknowledged for the next run.
            LOG.warn("Task {}: {}", name, e.getMessage());
        } catch (dev.tributary.state.StateException e) {
            metrics.stateFailed();
            failure = new dev.tributary.state.StateException("the local state cannot be written or read: "
                    + e.getMessage() + "; the job stops without acknowledging its input since the last commit. Free"
                    + " the disk or make state.dir writable and start it again: it restores from the changelog", e);
            LOG.error("Task {} failed: {}", name, failure.getMessage());
        } catch (Throwable t) {
            failure = t;
            LOG.error("Task {} failed; input processed since the last commit is not acknowledged and will be"
                    + " delivered again: {}", name, t.getMessage());
        } finally {
            processed = deliveries.processed();
            owner.close();
            collector.close();
            sideWrites.close();
            if (changelog != null) {
                changelog.close();
            }
            core.close();
        }
    }

    /** Carries out what a change of ownership asks of the task, in order. */
    private void apply(OwnershipChange change) throws Exception {
        if (change.uncommittedLost()) {
            discardUncommitted();
        }
        if (change.releasePending()) {
            // The key groups leave only once what was done with them is committed.
            commit(true);
            apply(owner.release());
            return;
        }
        if (change.inputsClosed()) {
            dropClosed();
        }
        if (change.inputsChanged()) {
            inputs = owner.inputs();
            TimeOrder.exemptForwards(inputs, forwardTopics);
            if (heldLimit.paused()) {
                inputs.forEach(Input::pause);
            }
            lastFed = null;
        }
    }

    /**
     * Sends what the key-group batchers hold before the commit would. Not under exactly-once: nobody
     * reads the outputs before their transaction commits, and every early batch is one more entry the
     * broker appends to the transaction one after another (see docs/BENCHMARKS.md, B9).
     */
    private void drainHeld() {
        if (transactions == null) {
            collector.drainHeld();
        }
    }

    private void poll() throws PulsarClientException {
        if (settings.timeOrdered() && !inputs.isEmpty()) {
            // Smallest time first across the inputs; when none may go, wait on the one worth waiting for.
            if (timeOrder.drain(inputs, DRAIN_LIMIT, deliveries::handle, () -> stopRequested) == 0) {
                drainHeld();
                if (!owner.restoring()) {
                    timeOrder.await(inputs, waitMillis(5));
                } else {
                    yieldWhileRestoreWaits();
                }
            }
            return;
        }
        int received = 0;
        for (Input input : inputs) {
            received += drain(input);
        }
        if (received == 0 && owner.restoring()) {
            // The next turn restores more: waiting for records here would slow the restore down.
            drainHeld();
            yieldWhileRestoreWaits();
        } else if (received == 0 && inputs.isEmpty()) {
            // Nothing owned yet (key groups being claimed, or more instances than key groups).
            LockSupport.parkNanos(2_000_000);
        } else if (received == 0) {
            // Nothing waiting anywhere: block for a short while on the input that last had records (most
            // inputs, such as forward topics, are idle nearly always), else on each in turn, but no later
            // than the next commit or retry.
            Input input = lastFed != null && !lastFed.isClosed() ? lastFed : inputs.get(nextBlocking++ % inputs.size());
            // A prefetch queue empty for a moment is not an idle input: while a backlog is read the broker's
            // next dispatch is a few milliseconds away at most, and draining then cut every key group's batch
            // short (20,000 records in up to 1,100 entries instead of 64). Held-back outputs leave once the
            // input stayed empty that long, which keeps latency low at moderate rates, within the linger.
            Message<Object> message = input.receive(waitMillis(IDLE_MILLIS));
            if (message == null) {
                drainHeld();
                message = input.receive(waitMillis(inputs.size() == 1 ? 100 : 5));
            }
            if (message != null) {
                deliveries.handle(input, message);
                drain(input);
            }
        }
    }

    /**
     * A restore whose readers got nothing this turn waits for the broker (a reader opening, the next
     * fetch, a previous owner's transaction): a millisecond's pause keeps the loop from spinning on a
     * core the broker and the other instances need.
     */
    private void yieldWhileRestoreWaits() {
        if (!owner.restoreProgressed()) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    /**
     * Under exactly-once, records are taken only with a transaction open, so that no write of theirs
     * finds none. A broker that cannot open one (restarting, its coordinator moving) is waited for
     * with backoff, logged and counted; nothing else happens meanwhile.
     *
     * @return whether the loop may take records now
     */
    private boolean transactionOpen() {
        if (transactions == null) {
            return true;
        }
        long now = System.nanoTime();
        if (now < nextTransactionTry) {
            LockSupport.parkNanos(Math.min(nextTransactionTry - now, 50_000_000));
            return false;
        }
        try {
            transactions.ensureOpen();
        } catch (RuntimeException e) {
            metrics.transactionUnavailable();
            transactionBackoffMillis = Math.min(5_000, Math.max(100, transactionBackoffMillis * 2));
            nextTransactionTry = now + transactionBackoffMillis * 1_000_000;
            if (waitingFor == null) {
                LOG.warn("Task {}: {}; waiting for the broker, trying again with backoff", name, e.getMessage());
            }
            waitingFor = "a Pulsar transaction (" + e.getMessage() + ")";
            return false;
        }
        if (waitingFor != null) {
            LOG.info("Task {}: the broker opens transactions again", name);
            waitingFor = null;
        }
        transactionBackoffMillis = 0;
        return true;
    }

    /**
     * Copies what is held behind failing keys for the ops server and the metrics, twice a second at
     * most: the copy sorts every failing key, and the ops server's thread must not read the live maps.
     */
    private void lookAtHeldKeys() {
        long now = System.nanoTime();
        if (now < nextHeldView || (failures.isEmpty() && heldKeys == HeldKeys.NONE)) {
            return;
        }
        nextHeldView = now + HELD_VIEW_INTERVAL_NANOS;
        heldKeys = failures.heldKeys(HELD_VIEW_KEYS);
        metrics.heldKeys(heldKeys);
    }

    /** The failing keys and what waits behind them, as of at most half a second ago. */
    public HeldKeys heldKeys() {
        return heldKeys;
    }

    /** What the task is waiting for instead of processing, or null: for readiness. */
    public String waitingFor() {
        return waitingFor;
    }

    /** How long an idle poll may block: at most the cap, and no later than the next commit or retry. */
    private int waitMillis(long capMillis) {
        long until = Math.min(nextCommit, failures.nextDueNanos());
        return (int) Math.max(1, Math.min(capMillis, (until - System.nanoTime()) / 1_000_000));
    }

    private int drain(Input input) throws PulsarClientException {
        int count = 0;
        Message<Object> message;
        while (count < DRAIN_LIMIT && !stopRequested && !input.isClosed() && (message = input.receive(0)) != null) {
            deliveries.handle(input, message);
            count++;
        }
        if (count > 0) {
            lastFed = input;
        }
        return count;
    }

    private void updatePause() {
        heldLimit.update(inputs, restoreWaits::pausing);
    }

    /** @param drain under exactly-once, whether to wait until the commit's transaction ended */
    private void commit(boolean drain) throws Exception {
        Commit.Outcome outcome = commit.run(inputs, owner::anyLeaseLost, drain);
        if (outcome != Commit.Outcome.COMMITTED) {
            // Fenced, cut off while the broker gave our key groups away, or (exactly-once) aborted: nothing
            // of this commit counts; the key groups are claimed again and their input comes again.
            apply(owner.leaseLost(commit.lostBecause()));
        }
        commits = commit.commits();
        nextCommit = System.nanoTime() + settings.commitIntervalNanos();
    }

    /** After a lost lease: nothing done since the last commit is written or acknowledged. */
    private void discardUncommitted() {
        if (transactions != null) {
            // What it holds was written for key groups that may run elsewhere now: it must never commit.
            transactions.abort("the key groups' uncommitted work was dropped");
        }
        core.state().discardCaches();
        if (guard != null) {
            guard.discard();
        }
        collector.discard();
        sideWrites.discard();
        failures.clear();
        restoreWaits.clear();
        commit.discard(inputs);
        updatePause();
    }

    /** After consumers closed: their undone deliveries come again to whoever holds the ranges next. */
    private void dropClosed() {
        failures.removeIf(delivery -> delivery.input.isClosed());
        restoreWaits.removeIf(delivery -> delivery.input.isClosed());
        sideWrites.removeIf(delivery -> delivery.input.isClosed());
        if (guard != null) {
            guard.removeIf(delivery -> delivery.input.isClosed());
        }
        updatePause();
    }

    /** Finish the records in hand, commit, and stop. */
    public void requestStop() {
        stopRequested = true;
    }

    /** Stop at once without committing, as a crash would: the uncommitted input will be re-delivered. */
    public void abort() {
        abortRequested = true;
    }

    public Throwable failure() {
        return failure;
    }

    public long processed() {
        return processed;
    }

    public long commits() {
        return commits;
    }
}
