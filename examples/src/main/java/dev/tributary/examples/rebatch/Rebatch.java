package dev.tributary.examples.rebatch;

import dev.tributary.dsl.Consumed;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import org.apache.pulsar.client.api.Schema;

/**
 * Copies a topic into one batched by key group. A topic written with Pulsar's default batcher mixes
 * keys in one batch, which several Key_Shared readers cannot share correctly; the copy can be read
 * by any number of instances of a Tributary job with the same number of key groups, at the speed
 * of batched reads. Keys, values, event times and properties are kept; per-key order is kept.
 */
public final class Rebatch {
    private Rebatch() {
    }

    /**
     * The topology.
     *
     * @param input the topic to copy
     * @param output the key-group-batched copy
     * @param valueSchema the topic's value schema (the copy is registered with the same)
     * @param <V> the value type
     * @return the topology
     */
    public static <V> Topology topology(String input, String output, Schema<V> valueSchema) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Consumed.with(valueSchema).withName("original"))
                .to(output, Produced.with(Schema.STRING, valueSchema).withName("by-key-group")
                        .withBatching(ProducerBatching.KEY_GROUP));
        return builder.build();
    }
}
