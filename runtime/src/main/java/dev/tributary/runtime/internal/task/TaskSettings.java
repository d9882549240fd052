package dev.tributary.runtime.internal.task;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.RuntimeOptions;

/**
 * The settings a task's loop and commits run by, read once from the job's configuration.
 *
 * @param commitIntervalNanos {@code commit.interval}
 * @param commitMaxRecords {@code commit.max.records}
 * @param checkpointIntervalNanos {@code state.checkpoint.interval}
 * @param ackTimeoutMillis how long a commit waits for its acknowledgements ({@code pulsar.operation.timeout})
 * @param sendTimeoutNanos how long a commit waits for side writes ({@code producer.send.timeout})
 * @param lingerNanos how long key-group batches wait to fill before they leave ({@code producer.batch.linger})
 * @param maxBatchRecords {@code producer.batch.max.records}
 * @param timeOrdered whether records are taken across inputs in time order (the topology has windows)
 * @param partitionMaxWaitNanos {@code input.partition.max-wait}
 * @param replaying whether this start rewound the input ({@code replay.from}): under exactly-once, records
 *     at or below a key's committed position are then processed again rather than skipped
 */
public record TaskSettings(long commitIntervalNanos, int commitMaxRecords, long checkpointIntervalNanos,
                           long ackTimeoutMillis, long sendTimeoutNanos, long lingerNanos, int maxBatchRecords,
                           boolean timeOrdered, long partitionMaxWaitNanos, boolean replaying) {
    /** Reads the task's settings from the job's configuration, for a topology without windows. */
    public static TaskSettings from(Configuration config) {
        return from(config, false);
    }

    /** Reads the task's settings from the job's configuration. */
    public static TaskSettings from(Configuration config, boolean timeOrdered) {
        return new TaskSettings(config.get(RuntimeOptions.COMMIT_INTERVAL).toNanos(),
                config.get(RuntimeOptions.COMMIT_MAX_RECORDS),
                config.get(RuntimeOptions.CHECKPOINT_INTERVAL).toNanos(),
                config.get(RuntimeOptions.OPERATION_TIMEOUT).toMillis(),
                config.get(RuntimeOptions.SEND_TIMEOUT).toNanos(),
                config.get(RuntimeOptions.BATCH_LINGER).toNanos(),
                config.get(RuntimeOptions.BATCH_MAX_RECORDS), timeOrdered,
                config.get(RuntimeOptions.PARTITION_MAX_WAIT).toNanos(), config.get(RuntimeOptions.REPLAY_FROM) != null);
    }
}
