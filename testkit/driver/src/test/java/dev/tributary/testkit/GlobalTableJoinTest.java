package dev.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.GlobalTable;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import java.util.Arrays;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class GlobalTableJoinTest {
    /** Orders keyed by order id, carrying "product:quantity"; products in a global table keyed by product. */
    private static Topology topology(boolean left) {
        StreamBuilder builder = new StreamBuilder();
        GlobalTable<String, String> products = builder.globalTable("products", Schema.STRING);
        var orders = builder.stream("orders", Schema.STRING);
        (left ? orders.leftJoin(products, (id, order) -> order.substring(0, order.indexOf(':')),
                (order, product) -> order + "=" + product)
                : orders.join(products, (id, order) -> order.substring(0, order.indexOf(':')),
                (order, product) -> order + "=" + product))
                .to("priced", Schema.STRING);
        return builder.build();
    }

    @Test
    void aRecordMeetsTheRowItsMappedKeyNamesWithoutARepartition() {
        Topology topology = topology(false);
        assertTrue(!topology.describe().contains("repartition"), topology.describe());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology)) {
            TestInputTopic<String, String> products = driver.createInputTopic("products", Schema.STRING);
            TestInputTopic<String, String> orders = driver.createInputTopic("orders", Schema.STRING);
            products.pipeInput("lamp", "12.50");
            orders.pipeInput("o1", "lamp:2");
            orders.pipeInput("o2", "desk:1");
            products.pipeInput("lamp", "9.99");
            orders.pipeInput("o3", "lamp:1");
            products.pipeInput("lamp", null);
            orders.pipeInput("o4", "lamp:5");
            assertEquals(List.of("lamp:2=12.50", "lamp:1=9.99"),
                    driver.createOutputTopic("priced", Schema.STRING).readValuesToList());
        }
    }

    @Test
    void aLeftJoinGivesOneResultPerRecord() {
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(true))) {
            driver.createInputTopic("products", Schema.STRING).pipeInput("lamp", "12.50");
            TestInputTopic<String, String> orders = driver.createInputTopic("orders", Schema.STRING);
            orders.pipeInput("o1", "lamp:2");
            orders.pipeInput("o2", "desk:1");
            assertEquals(Arrays.asList("lamp:2=12.50", "desk:1=null"),
                    driver.createOutputTopic("priced", Schema.STRING).readValuesToList());
        }
    }
}
