package dev.tributary.examples.enrichment;

import dev.tributary.dsl.Consumed;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.state.Materialized;
import org.apache.pulsar.client.api.Schema;

/**
 * Orders keyed by customer id, left-joined with the customers table: each order leaves with the
 * customer's name and tier as they were when it was processed, or nulls for a customer unknown or
 * deleted. Both topics are keyed by customer id, so an order and its customer's row meet in one key
 * group whatever the topics' partition counts.
 */
public final class OrderEnrichment {
    /** The orders' schema. */
    public static final Schema<PlacedOrder> ORDERS = Schema.JSON(PlacedOrder.class);
    /** The customers' schema. */
    public static final Schema<Customer> CUSTOMERS = Schema.JSON(Customer.class);
    /** The output's schema. */
    public static final Schema<EnrichedOrder> OUTPUT = Schema.JSON(EnrichedOrder.class);

    private OrderEnrichment() {
    }

    /**
     * @param orders the orders topic
     * @param customers the customers topic (a compacted topic suits it)
     * @param output where enriched orders go
     * @return the topology
     */
    public static Topology topology(String orders, String customers, String output) {
        StreamBuilder builder = new StreamBuilder();
        Table<String, Customer> table = builder.table(customers, Consumed.with(Schema.STRING, CUSTOMERS),
                Materialized.<String, Customer>as("customers").withKeySchema(Schema.STRING).withValueSchema(CUSTOMERS));
        builder.stream(orders, Consumed.with(Schema.STRING, ORDERS))
                .leftJoin(table, EnrichedOrder::new)
                .to(output, Produced.with(Schema.STRING, OUTPUT).withName("enriched-orders"));
        return builder.build();
    }
}
