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
import dev.tributary.runtime.internal.pulsar.TransactionException;
import dev.tributary.runtime.internal.pulsar.Transactions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.pulsar.client.api.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits under exactly-once, each ending in the background while the next commit interval fills the
 * next transaction. At a commit point the task writes out its caches, sends the outputs and changelog
 * appends, acknowledges its input in the transaction and seals it; the receipts, the transactional
 * acknowledgement and the transaction's commit then complete without the task waiting for them. Its
 * writes stay sealed above the local stores, readable to the next interval and applied only once the
 * transaction committed. The next commit point waits for that first, so at most one commit is in
 * flight, and if it failed both transactions are aborted: nothing of either counts, and their input
 * comes again.
 *
 * <p>Waiting for each commit where it is made stopped the task for five to ten commit intervals per
 * commit (the receipts of a transaction's writes and its acknowledgement take that long on Pulsar
 * 4.0.7; see docs/BENCHMARKS.md, B9).
 */
final class TransactionalCommit {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalCommit.class);
    private static final long RECEIPT_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long CUT_OFF_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** A commit ending in the background. */
    private static final class InFlight {
        final Transaction transaction;
        final PulsarChangelog.Flush flush;
        final int records;
        final long acked;
        final long began;
        /** Set by the task when it gives the commit up: the background must not commit it any more. */
        volatile boolean cancelled;
        CompletableFuture<Void> done;

        InFlight(Transaction transaction, PulsarChangelog.Flush flush, int records, long acked, long began) {
            this.transaction = transaction;
            this.flush = flush;
            this.records = records;
            this.acked = acked;
            this.began = began;
        }
    }

    /** Why the background did not commit: the task's thread names it. */
    private static final class NotCommitted extends RuntimeException {
        final Commit.Outcome outcome;
        final String kind;

        NotCommitted(Commit.Outcome outcome, String kind, String message) {
            super(message, null, false, false);
            this.outcome = outcome;
            this.kind = kind;
        }
    }

    private final String task;
    private final TaskCore core;
    private final PulsarChangelog changelog;
    private final PulsarRecordCollector collector;
    private final Transactions transactions;
    private final TaskMetrics metrics;
    private final TaskSettings settings;
    private InFlight inFlight;
    private String lostBecause;
    private long commits;

    TransactionalCommit(String task, TaskCore core, PulsarChangelog changelog, PulsarRecordCollector collector,
                        Transactions transactions, TaskMetrics metrics, TaskSettings settings) {
        this.task = task;
        this.core = core;
        this.changelog = changelog;
        this.collector = collector;
        this.transactions = transactions;
        this.metrics = metrics;
        this.settings = settings;
    }

    String lostBecause() {
        return lostBecause;
    }

    /** Commits whose transaction committed with input acknowledged in it. */
    long commits() {
        return commits;
    }

    /** Whether a commit is still ending in the background. */
    boolean ending() {
        return inFlight != null && !inFlight.done.isDone();
    }

    /**
     * Waits for the commit in flight, if any, and on success applies its writes to the local stores.
     *
     * @param cutOff whether the broker dropped this instance's consumers
     */
    Commit.Outcome finish(BooleanSupplier cutOff) {
        InFlight ending = inFlight;
        if (ending == null) {
            return Commit.Outcome.COMMITTED;
        }
        long waited = System.nanoTime();
        long deadline = waited + settings.sendTimeoutNanos() + RECEIPT_MARGIN_NANOS
                + TimeUnit.MILLISECONDS.toNanos(settings.ackTimeoutMillis());
        Throwable failed = null;
        while (true) {
            try {
                ending.done.get(Math.max(0, Math.min(deadline, System.nanoTime() + CUT_OFF_CHECK_NANOS)
                        - System.nanoTime()), TimeUnit.NANOSECONDS);
                break;
            } catch (ExecutionException e) {
                failed = e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed = e;
                break;
            } catch (TimeoutException e) {
                if (cutOff.getAsBoolean()) {
                    // Its producers are closed, which fails their unconfirmed writes: once the network is
                    // back they must not land after newer outputs of the same keys from the new owner.
                    collector.discard();
                    return abortAll(ending, Commit.Outcome.LEASE_LOST, "lease-lost", "the broker dropped this"
                            + " instance's consumers while its commit was unconfirmed; it is dropped, and its input"
                            + " goes to the key groups' owner");
                }
                if (System.nanoTime() >= deadline) {
                    collector.unstickUnconfirmed();
                    return abortAll(ending, Commit.Outcome.ABORTED, "commit-failed", "the commit's writes,"
                            + " acknowledgements or transaction were not confirmed within producer.send.timeout and"
                            + " pulsar.operation.timeout");
                }
            }
        }
        metrics.commitPhase("wait").record(System.nanoTime() - waited, TimeUnit.NANOSECONDS);
        if (failed != null) {
            return failed(ending, failed, cutOff);
        }
        inFlight = null;
        transactions.ended(ending.transaction);
        if (ending.records > 0) {
            CrashPoints.reached(CrashPoints.Point.AFTER_COMMIT);
        }
        core.state().commitSealedWrites();
        if (ending.flush != null) {
            changelog.commitPositions(ending.flush);
        }
        if (ending.records > 0) {
            commits++;
            metrics.acked(ending.acked);
            metrics.commitTimer().record(System.nanoTime() - ending.began, TimeUnit.NANOSECONDS);
        }
        return Commit.Outcome.COMMITTED;
    }

    /**
     * Seals the open transaction with the outputs, changelog appends and acknowledgements of the
     * input done since the last commit, and lets it end in the background.
     *
     * @param records the records done since the last commit
     * @param began when the commit began, for its timer
     */
    void seal(List<Input> inputs, int records, long began) {
        Transaction transaction = transactions.current();
        long sealing = System.nanoTime();
        PulsarChangelog.Flush flush = changelog == null ? null : changelog.flushAsync();
        CompletableFuture<Void> outputs = collector.sendAll().thenRun(() ->
                metrics.commitPhase("outputs").record(System.nanoTime() - sealing, TimeUnit.NANOSECONDS));
        CompletableFuture<Void> durable = flush == null ? CompletableFuture.completedFuture(null) : flush.durable();
        // The acknowledgements leave only once the transaction's changelog writes are stored: a transaction
        // whose acknowledgements hold input back then always has writes in the changelog partitions of those
        // inputs' key groups (the redelivery guard writes each key's position), and a new owner's restore
        // waits there until it ends. Sent alongside, they could reach the broker alone (an instance cut
        // off mid-commit), and the new owner would be sent the keys' later input first; when the
        // transaction aborted, the held input came back behind it, out of order.
        List<CompletableFuture<Void>> acks = new ArrayList<>(inputs.size());
        List<Input> acknowledged = new ArrayList<>(inputs.size());
        long count = 0;
        for (Input input : inputs) {
            long pending = input.pendingAcks();
            count += pending;
            if (pending > 0) {
                acknowledged.add(input);
            }
            acks.add(input.commitAcks(transaction, durable));
        }
        CompletableFuture<Void> acked = durable.thenCompose(stored -> CompletableFuture.allOf(
                        acks.toArray(new CompletableFuture[0])).orTimeout(settings.ackTimeoutMillis(), TimeUnit.MILLISECONDS))
                .handle((done, error) -> {
                    if (error != null && durable.isCompletedExceptionally()) {
                        // Not an acknowledgement's failure: the changelog's, which fails the commit itself.
                        return null;
                    }
                    if (error != null) {
                        metrics.ackFailed();
                        throw new NotCommitted(Commit.Outcome.ABORTED, "ack-failed",
                                "the acknowledgements did not complete: " + PulsarErrors.reason(error));
                    }
                    metrics.commitPhase("acks").record(System.nanoTime() - sealing, TimeUnit.NANOSECONDS);
                    return null;
                });
        transactions.seal();
        core.state().sealWrites();
        InFlight sealed = new InFlight(transaction, flush, records, count, began);
        sealed.done = CompletableFuture.allOf(durable, outputs, acked).thenCompose(ready -> {
            if (sealed.cancelled) {
                throw new NotCommitted(Commit.Outcome.LEASE_LOST, "lease-lost", "given up by the task");
            }
            if (collector.anyRefused()) {
                throw new NotCommitted(Commit.Outcome.ABORTED, "output-refused", "refused");
            }
            for (Input input : acknowledged) {
                if (input.leaseLost()) {
                    // A consumer that lost its connection since it subscribed may have had this commit's input
                    // delivered again, to itself or another instance: committing would count it twice.
                    throw new NotCommitted(Commit.Outcome.LEASE_LOST, "lease-lost", "the broker dropped consumers of"
                            + " this instance since they subscribed; their input may have been delivered again");
                }
            }
            if (records > 0) {
                CrashPoints.reached(CrashPoints.Point.AFTER_OUTPUTS_FLUSHED);
            }
            long committing = System.nanoTime();
            return transactions.commitAsync(transaction).thenRun(() -> metrics.commitPhase("transaction")
                    .record(System.nanoTime() - committing, TimeUnit.NANOSECONDS));
        });
        inFlight = sealed;
    }

    private Commit.Outcome failed(InFlight ending, Throwable error, BooleanSupplier cutOff) {
        if (error instanceof NotCommitted not) {
            if (not.kind.equals("output-refused")) {
                List<OutputFailure> refused = collector.refused();
                if (refused.isEmpty()) {
                    return abortAll(ending, Commit.Outcome.ABORTED, "output-refused", "an output write was refused");
                }
                OutputFailure first = refused.get(0);
                refused.forEach(failure -> metrics.outputFailed(failure.sink()));
                collector.unstick(refused);
                return abortAll(ending, Commit.Outcome.ABORTED, "output-refused", "the broker refused "
                        + refused.size() + " output write(s), the first to topic '" + first.topic() + "' (sink '"
                        + first.sink() + "'): " + PulsarErrors.reason(first.error()));
            }
            return abortAll(ending, not.outcome, not.kind, not.getMessage());
        }
        if (error instanceof OutputException changelogFailed) {
            changelog.unstick(changelogFailed);
            boolean lost = error instanceof dev.tributary.runtime.internal.changelog.FencedException || cutOff.getAsBoolean();
            return abortAll(ending, lost ? Commit.Outcome.LEASE_LOST : Commit.Outcome.ABORTED,
                    lost ? "fenced" : "write-failed", error.getMessage());
        }
        String reason = error instanceof TransactionException ? error.getMessage() : PulsarErrors.reason(error);
        return abortAll(ending, Commit.Outcome.ABORTED, "commit-failed", reason);
    }

    /**
     * Aborts the commit in flight and the open transaction: the task then drops everything not
     * committed and claims its key groups again.
     */
    Commit.Outcome abortAll(InFlight ending, Commit.Outcome outcome, String kind, String reason) {
        lostBecause = reason;
        metrics.transactionAborted(kind);
        LOG.warn("Task {}: aborting the commit's transaction, its input is processed again: {}", task, reason);
        if (ending != null) {
            ending.cancelled = true;
        }
        inFlight = null;
        transactions.abortSealed(reason);
        transactions.abort(reason);
        return outcome;
    }

    /** Aborts the open transaction only; a commit in flight, if any, is aborted with it. */
    Commit.Outcome abort(Commit.Outcome outcome, String kind, String reason) {
        return abortAll(inFlight, outcome, kind, reason);
    }

    /**
     * After a lost lease: the commit in flight must not commit any more. If it already did, its
     * changelog writes are there for the restore that follows, which reads them.
     */
    void discard() {
        InFlight ending = inFlight;
        if (ending != null) {
            ending.cancelled = true;
            inFlight = null;
            transactions.abortSealed("the key groups' uncommitted work was dropped");
        }
    }
}
