package dev.tributary.examples.totals;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.state.Materialized;
import org.apache.pulsar.client.api.Schema;

/** Keeps a running total per user: Avro purchases keyed by user in, Avro totals keyed by user out. */
public final class UserTotals {
    private UserTotals() {
    }

    /**
     * The topology.
     *
     * @param input the topic of purchases
     * @param output the topic of total updates
     * @return the topology
     */
    public static Topology topology(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.AVRO(Purchase.class))
                .groupByKey()
                .aggregate(UserTotal::new, (user, purchase, total) -> total.add(purchase),
                        Materialized.<String, UserTotal>as("user-totals").withValueSchema(Schema.AVRO(UserTotal.class)))
                .toStream()
                .to(output, Produced.with(Schema.STRING, Schema.AVRO(UserTotal.class)));
        return builder.build();
    }
}
