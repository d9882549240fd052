package dev.tributary.examples.orders;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.connect.Sink;
import dev.tributary.dsl.connect.Source;
import dev.tributary.dsl.state.Materialized;
import org.apache.pulsar.client.api.Schema;

/**
 * Orders posted over HTTP are stored in a topic, totalled per customer in a RocksDB store, and each
 * total is upserted into PostgreSQL:
 *
 * <pre>
 * POST /topics/orders --&gt; [ingest: HTTP bridge] --&gt; topic orders --&gt; aggregate per customer
 *                                                          --&gt; [totals: JDBC upsert] --&gt; customer_totals
 * </pre>
 */
public final class OrderTotals {
    /** The table the totals go to. */
    public static final String TABLE_DDL = "CREATE TABLE IF NOT EXISTS customer_totals (customer text PRIMARY KEY,"
            + " orders bigint NOT NULL, total_cents bigint NOT NULL, last_item text)";

    private OrderTotals() {
    }

    /**
     * The topology with the connectors given as instances.
     *
     * @param ingest the HTTP bridge (its settings under {@code connector.ingest.})
     * @param totals the upsert sink (its settings under {@code connector.totals.})
     * @param topic the topic orders are stored in
     * @return the topology
     */
    public static Topology topology(Source<Object> ingest, Sink<Object, Object> totals, String topic) {
        StreamBuilder builder = new StreamBuilder();
        builder.source("ingest", ingest, topic, Schema.JSON(Order.class))
                .groupByKey()
                .aggregate(CustomerTotal::new, (customer, order, total) -> total.add(order),
                        Materialized.<String, CustomerTotal>as("customer-totals")
                                .withValueSchema(Schema.JSON(CustomerTotal.class)))
                .toStream()
                .sink("totals", totals);
        return builder.build();
    }
}
