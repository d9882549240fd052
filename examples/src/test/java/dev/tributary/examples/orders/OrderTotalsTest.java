package dev.tributary.examples.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.dsl.connect.Sink;
import dev.tributary.dsl.connect.SinkContext;
import dev.tributary.dsl.connect.SinkRecord;
import dev.tributary.dsl.connect.Source;
import dev.tributary.dsl.connect.SourceContext;
import dev.tributary.testkit.TestInputTopic;
import dev.tributary.testkit.TestRecord;
import dev.tributary.testkit.TopologyTestDriver;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class OrderTotalsTest {
    /** The driver runs no connectors; these only stand in for them in the topology. */
    private static final Source<Object> NO_SOURCE = new Source<>() {
        @Override
        public void open(SourceContext<Object> context) {
        }

        @Override
        public void run(SourceContext<Object> context) {
        }

        @Override
        public void close() {
        }
    };

    private static final Sink<Object, Object> NO_SINK = new Sink<>() {
        @Override
        public void open(SinkContext context) {
        }

        @Override
        public void write(List<SinkRecord<Object, Object>> records) {
        }

        @Override
        public void close() {
        }
    };

    @Test
    void eachOrderUpdatesItsCustomersTotalForTheSink() {
        try (TopologyTestDriver driver = new TopologyTestDriver(OrderTotals.topology(NO_SOURCE, NO_SINK, "orders"))) {
            TestInputTopic<String, Order> orders = driver.createInputTopic("orders", Schema.JSON(Order.class));
            orders.pipeInput("c1", new Order("c1", 1000, "lamp"));
            orders.pipeInput("c2", new Order("c2", 250, "pen"));
            orders.pipeInput("c1", new Order("c1", 500, "mug"));
            List<TestRecord<String, CustomerTotal>> written = driver.sinkRecords("totals");
            assertEquals(List.of("c1", "c2", "c1"), written.stream().map(TestRecord::key).toList());
            CustomerTotal last = written.get(2).value();
            assertEquals(2, last.orders);
            assertEquals(1500, last.totalCents);
            assertEquals("mug", last.lastItem);
        }
    }
}
