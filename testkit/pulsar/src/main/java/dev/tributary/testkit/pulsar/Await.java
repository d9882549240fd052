package dev.tributary.testkit.pulsar;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

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

    /** A look at what a job wrote so far. */
    @FunctionalInterface
    public interface Check {
        /**
         * @return null when all is as expected, else what is wrong now
         * @throws Exception if the look itself failed
         */
        String problem() throws Exception;
    }

    /**
     * Waits until a check finds nothing wrong, looking again every {@code every}: for checks that read
     * whole topics, which are too dear to run every few milliseconds.
     *
     * @param timeout the longest wait
     * @param every the pause between two looks
     * @param check what is wrong now, or null
     * @param lasting whether a problem can never go away (a duplicate already written), so waiting is pointless
     * @throws AssertionError naming the last problem seen, once the timeout passed or the problem is lasting
     * @throws Exception if a look failed, or interrupted while waiting
     */
    public static void untilNoProblem(Duration timeout, Duration every, Check check, Predicate<String> lasting)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String problem = check.problem();
            if (problem == null) {
                return;
            }
            if (lasting.test(problem)) {
                throw new AssertionError(problem);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still after " + timeout + ": " + problem);
            }
            Thread.sleep(every.toMillis());
        }
    }
}
