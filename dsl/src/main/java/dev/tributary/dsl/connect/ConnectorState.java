package dev.tributary.dsl.connect;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Values a connector keeps by name across restarts and moves of the job: where a source stopped in
 * a system that has no positions of its own, a sink's bookkeeping. The state is the job's, shared by
 * every instance running the connector. It is kept in a compacted topic of the job's internal
 * namespace ({@code <application.id>-connector-<name>-state}), which is its changelog: each instance
 * reads it whole when the state is first used, then follows it, and holds it in memory. It is meant
 * for small values; it is not part of the job's commits, so under exactly-once a put is visible
 * whether or not the records around it commit.
 *
 * <p>Safe to use from several threads. A value put here is read back here at once; another instance
 * reads it once it has followed the topic that far, usually within milliseconds.
 */
public interface ConnectorState {
    /**
     * The value of a name.
     *
     * @param key the name
     * @return the value last put by any instance, as far as this instance has followed the state; empty
     *     if there is none or it was deleted
     */
    Optional<byte[]> get(String key);

    /**
     * Sets the value of a name.
     *
     * @param key the name
     * @param value the value; not empty (an empty value is how a deletion is written)
     * @return completes once the broker has stored it; fails if it did not within
     *     {@code pulsar.operation.timeout}
     * @throws IllegalArgumentException if the value is empty
     */
    CompletableFuture<Void> put(String key, byte[] value);

    /**
     * Removes a name and its value.
     *
     * @param key the name
     * @return completes once the broker has stored the deletion
     */
    CompletableFuture<Void> delete(String key);
}
