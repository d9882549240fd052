package dev.tributary.runtime.internal.ownership;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.RuntimeOptions;
import java.time.Duration;

/**
 * The settings key-group ownership runs by, read once from the job's configuration.
 *
 * @param operationTimeout how long a claim at start waits for the broker ({@code pulsar.operation.timeout})
 * @param receiverQueueSize the consumers' {@code consumer.receiver.queue.size}
 * @param standbyReplicas {@code standby.replicas}
 * @param standbyIntervalNanos {@code standby.interval}
 * @param wholeSegments whether a segment of key groups claimed together fetches only once all of them
 *     are restored (exactly-once), rather than once the first is
 */
public record OwnershipSettings(Duration operationTimeout, int receiverQueueSize, int standbyReplicas,
                                long standbyIntervalNanos, boolean wholeSegments) {
    /** Reads the settings from the job's configuration. */
    public static OwnershipSettings from(Configuration config) {
        return new OwnershipSettings(config.get(RuntimeOptions.OPERATION_TIMEOUT),
                config.get(RuntimeOptions.RECEIVER_QUEUE_SIZE), config.get(RuntimeOptions.STANDBY_REPLICAS),
                config.get(RuntimeOptions.STANDBY_INTERVAL).toNanos(),
                config.get(RuntimeOptions.PROCESSING_GUARANTEE) == dev.tributary.runtime.ProcessingGuarantee.EXACTLY_ONCE);
    }
}
