package dev.tributary.runtime.internal.task;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The writes besides outputs whose confirmation lets a delivery be acknowledged: its copy in a
 * dead-letter topic, or its copy forwarded to the owner of its key group. A write that fails is tried
 * again with the retry backoff, for as long as it takes; the delivery stays unacknowledged meanwhile.
 */
final class SideWrites implements Failures.DeadLetterRoute {
    private final DeadLetters deadLetters;
    private final Forwarder forwarder;
    private final ErrorHandling errors;
    private final List<Delivery> deadLetterRetries = new ArrayList<>();
    private final List<Delivery> forwardRetries = new ArrayList<>();
    /** Deliveries on their way to a dead-letter or late-records topic, not confirmed yet. */
    private final java.util.Set<Delivery> deadLettering =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    SideWrites(DeadLetters deadLetters, Forwarder forwarder, ErrorHandling errors) {
        this.deadLetters = deadLetters;
        this.forwarder = forwarder;
        this.errors = errors;
    }

    @Override
    public String topicFor(Delivery delivery) {
        return deadLetters.topicFor(delivery);
    }

    /** Whether a written delivery went to a late-records topic rather than a dead-letter topic. */
    boolean wentToLateTopic(Delivery delivery) {
        return deadLetters.toLateTopic(delivery);
    }

    @Override
    public void deadLetter(Delivery delivery) {
        deadLettering.add(delivery);
        deadLetters.write(delivery);
    }

    /** The deliveries being dead-lettered: their keys may have moved on past them. */
    java.util.Collection<Delivery> deadLettering() {
        return deadLettering;
    }

    void forward(Delivery delivery, String topic, byte[] routing) {
        delivery.forwarding();
        forwarder.forward(delivery, topic, routing);
    }

    /** Sends what is held back and waits for the receipts, at most until the deadline. */
    void await(long deadlineNanos) throws InterruptedException {
        forwarder.flush(deadlineNanos);
        if (deadLetters.inFlight() > 0) {
            deadLetters.await(deadlineNanos);
        }
    }

    /**
     * Hands each confirmed write's delivery over; failed ones wait for their next try.
     *
     * @param deadLettered told of each delivery now in its dead-letter topic
     * @param forwarded told of each delivery now in its forward topic
     */
    void collect(Consumer<Delivery> deadLettered, Consumer<Delivery> forwarded) {
        Delivery delivery;
        while ((delivery = deadLetters.pollWritten()) != null) {
            deadLettering.remove(delivery);
            deadLettered.accept(delivery);
        }
        while ((delivery = forwarder.pollWritten()) != null) {
            forwarded.accept(delivery);
        }
        while ((delivery = deadLetters.pollFailed()) != null) {
            deadLetterRetries.add(backOff(delivery));
        }
        while ((delivery = forwarder.pollFailed()) != null) {
            forwardRetries.add(backOff(delivery));
        }
    }

    private Delivery backOff(Delivery delivery) {
        delivery.writeDueAt(System.nanoTime() + errors.backoffNanos(delivery.writeFailed()));
        return delivery;
    }

    /**
     * Tries the failed writes that are due again.
     *
     * @param forwardAgain forwards a delivery again, or returns false if its key group runs here by now
     * @param processHere takes a delivery whose forward is no longer needed
     */
    void retryDue(long nowNanos, Predicate<Delivery> forwardAgain, Consumer<Delivery> processHere) {
        for (Delivery delivery : due(forwardRetries, nowNanos)) {
            if (!forwardAgain.test(delivery)) {
                processHere.accept(delivery);
            }
        }
        for (Delivery delivery : due(deadLetterRetries, nowNanos)) {
            deadLetters.write(delivery);
        }
    }

    private static List<Delivery> due(List<Delivery> waiting, long nowNanos) {
        if (waiting.isEmpty()) {
            return List.of();
        }
        List<Delivery> due = new ArrayList<>();
        for (Iterator<Delivery> it = waiting.iterator(); it.hasNext(); ) {
            Delivery delivery = it.next();
            if (delivery.dueNanos() <= nowNanos) {
                it.remove();
                due.add(delivery);
            }
        }
        return due;
    }

    /** Failed writes waiting for their next try. */
    int waiting() {
        return deadLetterRetries.size() + forwardRetries.size();
    }

    /** Forgets the waiting writes of deliveries that match (their consumer closed). */
    void removeIf(Predicate<Delivery> drop) {
        deadLetterRetries.removeIf(drop);
        forwardRetries.removeIf(drop);
        deadLettering.removeIf(drop);
    }

    /** After a lost lease: forwards held back are dropped, and no failed write is tried again. */
    void discard() {
        forwarder.discard();
        deadLetterRetries.clear();
        forwardRetries.clear();
        deadLettering.clear();
    }

    void close() {
        deadLetters.close();
        forwarder.close();
    }
}
