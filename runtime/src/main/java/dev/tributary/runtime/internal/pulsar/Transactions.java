package dev.tributary.runtime.internal.pulsar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.transaction.Transaction;
import org.apache.pulsar.client.api.transaction.TxnID;
import org.apache.pulsar.client.impl.PulsarClientImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one open Pulsar transaction of a task under exactly-once: every write and acknowledgement of
 * a commit interval goes into it, and the commit ends it. Only the task's thread opens and ends it;
 * client threads may read the current one.
 *
 * <p>A commit may end a transaction in the background ({@link #seal()}, {@link #commitAsync}) while
 * the next one fills: then two are open at once.
 *
 * <p>The ids of the transactions open are kept in a file in the state directory (overwritten at
 * each open and seal; aborting one that has ended is refused harmlessly). After a crash the next
 * start aborts them at once: otherwise their pending acknowledgements would hold the records they
 * took back from every consumer until the broker's transaction timeout.
 */
public final class Transactions {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
    private final PulsarClient client;
    private final Duration timeout;
    private final Duration operationTimeout;
    /** Where the open transaction's id is kept, or null (a stateless job has no state directory). */
    private final Path record;
    private volatile Transaction current;
    /** The transaction whose commit is in flight, or null. */
    private volatile Transaction sealed;
    private long openedNanos;
    private boolean used;

    /**
     * @param timeout the transaction timeout: the broker aborts a transaction left open longer
     * @param record where the open transaction's id is kept between starts, or null
     */
    public Transactions(PulsarClient client, Duration timeout, Duration operationTimeout, Path record) {
        this.client = client;
        this.timeout = timeout;
        this.operationTimeout = operationTimeout;
        this.record = record;
    }

    /** Aborts the transaction a crashed run of this instance left open, if its id was kept. */
    public void abortLeftOver() {
        if (record == null || !Files.exists(record)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] bits = line.trim().split(":");
                TxnID id = new TxnID(Long.parseLong(bits[0]), Long.parseLong(bits[1]));
                try {
                    ((PulsarClientImpl) client).getTcClient().abortAsync(id)
                            .get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("Aborted transaction {} left open by this instance's previous run", id);
                } catch (Exception e) {
                    // Already ended (committed, aborted or timed out): nothing is held back any more.
                    LOG.info("Transaction {} of this instance's previous run is not open any more ({})", id,
                            PulsarErrors.reason(e));
                }
            }
            Files.deleteIfExists(record);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read the transaction left open by a previous run from {} ({}); the broker aborts it"
                    + " after transaction.timeout", record, e.toString());
        }
    }

    /**
     * The open transaction, opened now if there is none.
     *
     * @throws TransactionException if the broker does not open one within pulsar.operation.timeout
     */
    public Transaction current() {
        Transaction open = current;
        if (open == null) {
            open = open();
        }
        used = true;
        return open;
    }

    /** Opens a transaction unless one is open, without marking it used. */
    public void ensureOpen() {
        if (current == null) {
            open();
        }
    }

    private synchronized Transaction open() {
        if (current != null) {
            return current;
        }
        Transaction opened;
        try {
            opened = client.newTransaction().withTransactionTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build()
                    .get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new TransactionException("cannot open a Pulsar transaction: " + PulsarErrors.reason(e), e);
        }
        openedNanos = System.nanoTime();
        used = false;
        current = opened;
        keep();
        return opened;
    }

    /**
     * Ends the filling of the open transaction, whose commit now goes in flight; the next write opens
     * another.
     *
     * @return the transaction sealed, or null if none was open
     * @throws IllegalStateException if an earlier sealed transaction has not ended
     */
    public Transaction seal() {
        if (sealed != null) {
            throw new IllegalStateException("transaction " + sealed.getTxnID() + " is still in flight");
        }
        Transaction open = current;
        current = null;
        sealed = open;
        return open;
    }

    /**
     * Commits a sealed transaction; the future fails with a {@link TransactionException} if the commit
     * failed or was not confirmed within pulsar.operation.timeout (it may still have happened).
     */
    public CompletableFuture<Void> commitAsync(Transaction transaction) {
        return transaction.commit().orTimeout(operationTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((done, error) -> {
                    if (error != null) {
                        throw new TransactionException("cannot commit transaction " + transaction.getTxnID() + ": "
                                + PulsarErrors.reason(error), error);
                    }
                    return null;
                });
    }

    /** The sealed transaction ended (committed or aborted): it is no longer kept for a crash's next start. */
    public void ended(Transaction transaction) {
        if (sealed == transaction) {
            sealed = null;
            keep();
        }
    }

    /** Aborts the sealed transaction, if one is in flight; a transaction that already ended refuses harmlessly. */
    public void abortSealed(String why) {
        Transaction inFlight = sealed;
        if (inFlight != null) {
            abort(inFlight, why);
            sealed = null;
            keep();
        }
    }

    /** Whether anything was written or acknowledged in the open transaction. */
    public boolean used() {
        return current != null && used;
    }

    /** Whether the open transaction has been open for a third of the transaction timeout or longer. */
    public boolean openLong() {
        return current != null && System.nanoTime() - openedNanos > timeout.toNanos() / 3;
    }

    /** Whether the open transaction, unused, is old enough to be ended before the broker times it out. */
    public boolean idleTooLong() {
        return current != null && !used && System.nanoTime() - openedNanos > timeout.toNanos() / 3;
    }

    /**
     * Commits the open transaction, if any.
     *
     * @throws TransactionException if the commit failed or was not confirmed in time; it may still have
     *     happened, so the caller treats its local state as unknown
     */
    public void commit() {
        Transaction open = current;
        if (open == null) {
            return;
        }
        current = null;
        try {
            open.commit().get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new TransactionException("cannot commit transaction " + open.getTxnID() + ": " + PulsarErrors.reason(e), e);
        }
    }

    /** Aborts the open transaction, if any; a failed abort is left to the broker's transaction timeout. */
    public void abort(String why) {
        Transaction open = current;
        if (open == null) {
            return;
        }
        current = null;
        abort(open, why);
    }

    private void abort(Transaction open, String why) {
        try {
            open.abort().get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Aborted transaction {}: {}", open.getTxnID(), why);
        } catch (Exception e) {
            Transaction.State state = open.getState();
            if (state == Transaction.State.COMMITTING || state == Transaction.State.COMMITTED) {
                // A commit sent while the broker went away: the coordinator may still complete it.
                LOG.warn("Cannot abort transaction {}: its commit was already sent, so the transaction coordinator"
                        + " decides its outcome; a restore that follows waits for it and keeps what it commits", open.getTxnID());
            } else {
                LOG.warn("Cannot abort transaction {} ({}); the broker aborts it within transaction.timeout ({})",
                        open.getTxnID(), PulsarErrors.reason(e), timeout);
            }
        }
    }

    private void keep() {
        if (record == null) {
            return;
        }
        StringBuilder ids = new StringBuilder();
        for (Transaction open : new Transaction[] {sealed, current}) {
            if (open != null) {
                ids.append(open.getTxnID().getMostSigBits()).append(':').append(open.getTxnID().getLeastSigBits())
                        .append('\n');
            }
        }
        try {
            Files.writeString(record, ids, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.debug("Cannot keep the open transaction's id in {}: {}", record, e.toString());
        }
    }
}
