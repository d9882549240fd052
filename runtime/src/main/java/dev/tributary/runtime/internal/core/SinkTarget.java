package dev.tributary.runtime.internal.core;

import dev.tributary.dsl.ProducerBatching;
import org.apache.pulsar.client.api.Schema;

/**
 * Where and how a sink writes: its node, the schemas, and the batching mode with the key-group
 * count batches are cut by (already resolved against the job's).
 */
public record SinkTarget(String node, Schema<Object> keySchema, Schema<Object> valueSchema, ProducerBatching batching,
                         int keyGroups) {
}
