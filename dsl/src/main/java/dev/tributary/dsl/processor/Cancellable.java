package dev.tributary.dsl.processor;

/** A schedule that can be cancelled. */
@FunctionalInterface
public interface Cancellable {
    /** Stops the schedule; no further calls follow. */
    void cancel();
}
