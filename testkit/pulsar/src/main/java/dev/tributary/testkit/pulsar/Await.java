package dev.tributary.testkit.pulsar;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests for something a running job does: the condition is checked every few milliseconds
 * until it holds or the deadline passes, so a test waits exactly as long as the job needs.
 */
public final class Await {
    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    /**
     * Waits until the condition holds.
     *
     * @param what what is awaited, for the failure message
     * @param timeout the longest wait
     * @param condition checked every 20 ms; should be cheap
     * @throws AssertionError if the condition does not hold within the timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
