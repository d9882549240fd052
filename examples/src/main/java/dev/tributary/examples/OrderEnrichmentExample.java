package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import dev.tributary.examples.enrichment.Customer;
import dev.tributary.examples.enrichment.EnrichedOrder;
import dev.tributary.examples.enrichment.OrderEnrichment;
import dev.tributary.examples.enrichment.PlacedOrder;
import dev.tributary.runtime.launcher.CommandLine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/**
 * order-enrichment: orders left-joined with a customers table; see {@link OrderEnrichment}. Reads
 * {@code --orders} and {@code --customers}, writes {@code --output}.
 */
final class OrderEnrichmentExample implements ExampleJob {
    private static final String[] NAMES = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"};
    private static final String[] TIERS = {"bronze", "silver", "gold"};

    private final Map<String, EnrichedOrder> expected = new HashMap<>();

    @Override
    public String name() {
        return "order-enrichment";
    }

    @Override
    public String description() {
        return "joins orders (--orders, JSON keyed by customer id) with a customers table (--customers, JSON keyed"
                + " by customer id, no value deletes); JSON orders with the customer's name and tier out";
    }

    @Override
    public String inputOption() {
        return "orders";
    }

    @Override
    public String defaultInput() {
        return "orders";
    }

    @Override
    public String defaultOutput() {
        return "enriched-orders";
    }

    private static String customers(CommandLine args) {
        return args.get("customers", "customers");
    }

    @Override
    public Topology topology(String input, String output, CommandLine args) {
        return OrderEnrichment.topology(input, customers(args), output);
    }

    /**
     * Customers first, then orders in batches with customer changes and deletions between them, in
     * event-time order across both topics: the job reads them in that order, so each order meets its
     * customer as the script had it.
     */
    @Override
    public int feed(PulsarClient client, String input, int records, CommandLine args) throws Exception {
        Random random = new Random(5);
        int customerCount = 100;
        Map<String, Customer> rows = new HashMap<>();
        expected.clear();
        long time = System.currentTimeMillis() - 60_000;
        try (Producer<Customer> customers = client.newProducer(OrderEnrichment.CUSTOMERS).topic(customers(args))
                .enableBatching(false).create();
             Producer<PlacedOrder> orders = client.newProducer(OrderEnrichment.ORDERS).topic(input)
                     .enableBatching(false).blockIfQueueFull(true).create()) {
            int placed = 0;
            for (int batch = 0; placed < records; batch++) {
                int changes = batch == 0 ? customerCount : 20;
                for (int i = 0; i < changes; i++) {
                    // Ids up to 10% past the table's, so some orders find no customer.
                    String id = "c" + (batch == 0 ? i : random.nextInt(customerCount));
                    Customer row = batch > 0 && random.nextInt(4) == 0 ? null
                            : new Customer(id, NAMES[random.nextInt(NAMES.length)], TIERS[random.nextInt(TIERS.length)]);
                    customers.newMessage().key(id).value(row).eventTime(time++).sendAsync();
                    rows.put(id, row);
                }
                customers.flush();
                for (int i = 0; i < 200 && placed < records; i++, placed++) {
                    String customer = "c" + random.nextInt(customerCount + customerCount / 10);
                    PlacedOrder order = new PlacedOrder("o" + placed, customer, 1 + random.nextInt(10_000) / 100.0);
                    orders.newMessage().key(customer).value(order).eventTime(time++).sendAsync();
                    expected.put(order.orderId, new EnrichedOrder(order, rows.get(customer)));
                }
                orders.flush();
            }
            return placed;
        }
    }

    @Override
    public Schema<?> outputSchema(CommandLine args) {
        return OrderEnrichment.OUTPUT;
    }

    @Override
    public String summarize(List<? extends Message<?>> outputs, int inputs) {
        Map<String, EnrichedOrder> enriched = new HashMap<>();
        long unknown = 0;
        for (Message<?> message : outputs) {
            EnrichedOrder order = (EnrichedOrder) message.getValue();
            enriched.put(order.orderId, order);
            unknown += order.name == null ? 1 : 0;
        }
        return inputs + " orders in, " + outputs.size() + " enriched orders out (" + unknown
                + " with no customer)\nenriched orders " + (enriched.equals(expected) ? "match" : "DO NOT match")
                + " the customers as they were when each order was placed";
    }
}
