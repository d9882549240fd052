package dev.tributary.examples.enrichment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.testkit.TestInputTopic;
import dev.tributary.testkit.TestOutputTopic;
import dev.tributary.testkit.TopologyTestDriver;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class OrderEnrichmentTest {
    @Test
    void eachOrderLeavesWithItsCustomerAsItWasOrWithNulls() {
        try (TopologyTestDriver driver = new TopologyTestDriver(OrderEnrichment.topology("orders", "customers", "out"))) {
            TestInputTopic<String, Customer> customers = driver.createInputTopic("customers", Schema.STRING,
                    OrderEnrichment.CUSTOMERS);
            TestInputTopic<String, PlacedOrder> orders = driver.createInputTopic("orders", Schema.STRING,
                    OrderEnrichment.ORDERS);
            TestOutputTopic<String, EnrichedOrder> out = driver.createOutputTopic("out", Schema.STRING,
                    OrderEnrichment.OUTPUT);
            customers.pipeInput("c1", new Customer("c1", "Ada", "gold"));
            orders.pipeInput("c1", new PlacedOrder("o1", "c1", 12.5));
            customers.pipeInput("c1", new Customer("c1", "Ada", "platinum"));
            orders.pipeInput("c1", new PlacedOrder("o2", "c1", 7));
            orders.pipeInput("c2", new PlacedOrder("o3", "c2", 1));
            customers.pipeInput("c1", null);
            orders.pipeInput("c1", new PlacedOrder("o4", "c1", 2));
            List<String> enriched = out.readRecordsToList().stream()
                    .map(record -> record.key() + " " + record.value()).toList();
            assertEquals(List.of(
                    "c1 {\"orderId\": \"o1\", \"customerId\": \"c1\", \"amount\": 12.5, \"name\": \"Ada\", \"tier\": \"gold\"}",
                    "c1 {\"orderId\": \"o2\", \"customerId\": \"c1\", \"amount\": 7.0, \"name\": \"Ada\", \"tier\": \"platinum\"}",
                    "c2 {\"orderId\": \"o3\", \"customerId\": \"c2\", \"amount\": 1.0, \"name\": null, \"tier\": null}",
                    "c1 {\"orderId\": \"o4\", \"customerId\": \"c1\", \"amount\": 2.0, \"name\": null, \"tier\": null}"),
                    enriched);
        }
    }
}
