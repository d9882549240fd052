package dev.tributary.examples.totals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.testkit.TestInputTopic;
import dev.tributary.testkit.TopologyTestDriver;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class UserTotalsTest {
    @Test
    void keepsARunningTotalPerUserInAvro() {
        try (TopologyTestDriver driver = new TopologyTestDriver(UserTotals.topology("purchases", "totals"))) {
            TestInputTopic<String, Purchase> in = driver.createInputTopic("purchases", Schema.AVRO(Purchase.class));
            in.pipeInput("ann", new Purchase("ann", "book", 12.5));
            in.pipeInput("bob", new Purchase("bob", "mug", 4));
            in.pipeInput("ann", new Purchase("ann", "lamp", 30));
            List<UserTotal> totals = driver.createOutputTopic("totals", Schema.AVRO(UserTotal.class)).readValuesToList();
            assertEquals(3, totals.size());
            assertEquals(2, totals.get(2).purchases);
            assertEquals(42.5, totals.get(2).total, 1e-9);
            assertEquals(4.0, driver.<String, UserTotal>getKeyValueStore("user-totals").get("bob").total, 1e-9);
        }
    }
}
