package dev.tributary.testkit.pulsar;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.MessageId;

/**
 * The receipts of a test's asynchronous sends. A send the client refuses (its memory buffer full, a
 * timeout) only completes its future exceptionally: a test that writes its input with
 * {@code sendAsync} and never looks at the futures waits later for records that were never stored,
 * and reports that as a fault of the job. Producers that send faster than the broker takes should
 * also be built with {@code blockIfQueueFull(true)}, so that a full buffer makes them wait instead of
 * refusing.
 */
public final class Sends {
    private final List<CompletableFuture<MessageId>> receipts = new ArrayList<>();

    /** Keeps a send's receipt; returns it. */
    public CompletableFuture<MessageId> add(CompletableFuture<MessageId> receipt) {
        receipts.add(receipt);
        return receipt;
    }

    /**
     * Waits until the broker confirmed every send kept so far, then forgets them.
     *
     * @param timeout the longest wait for all of them together
     * @throws AssertionError naming how many sends failed or were not confirmed, and the first reason
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int failed = 0;
        Throwable first = null;
        for (CompletableFuture<MessageId> receipt : receipts) {
            try {
                receipt.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                failed++;
                if (first == null) {
                    first = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                }
            }
        }
        int total = receipts.size();
        receipts.clear();
        if (failed > 0) {
            throw new AssertionError(failed + " of " + total + " test sends were not stored by the broker; first: "
                    + first, first);
        }
    }
}
