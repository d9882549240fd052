package dev.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Consumed;
import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.Stream;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.state.Materialized;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class StreamTableJoinTest {
    private static StreamBuilder enrichment(boolean left) {
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> customers = builder.table("customers", Schema.STRING);
        Stream<String, String> orders = builder.stream("orders", Schema.STRING);
        (left ? orders.leftJoin(customers, (order, customer) -> order + "/" + customer)
                : orders.join(customers, (order, customer) -> order + "/" + customer))
                .to("enriched", Schema.STRING);
        return builder;
    }

    @Test
    void aRecordMeetsTheRowItsKeyHasWhenItIsProcessed() {
        try (TopologyTestDriver driver = new TopologyTestDriver(enrichment(false).build())) {
            TestInputTopic<String, String> customers = driver.createInputTopic("customers", Schema.STRING);
            TestInputTopic<String, String> orders = driver.createInputTopic("orders", Schema.STRING);
            TestOutputTopic<String, String> enriched = driver.createOutputTopic("enriched", Schema.STRING);
            orders.pipeInput("c1", "o1");
            assertTrue(enriched.isEmpty(), "an inner join gives nothing for a key the table does not hold");
            customers.pipeInput("c1", "alice");
            assertTrue(enriched.isEmpty(), "a table update never emits");
            orders.pipeInput("c1", "o2");
            customers.pipeInput("c1", "alice-gold");
            orders.pipeInput("c1", "o3");
            customers.pipeInput("c1", null);
            orders.pipeInput("c1", "o4");
            assertEquals(List.of(new KeyValue<>("c1", "o2/alice"), new KeyValue<>("c1", "o3/alice-gold")),
                    enriched.readKeyValuesToList());
        }
    }

    @Test
    void aLeftJoinGivesOneResultPerRecordWithNullForAnUnknownOrDeletedRow() {
        try (TopologyTestDriver driver = new TopologyTestDriver(enrichment(true).build())) {
            TestInputTopic<String, String> customers = driver.createInputTopic("customers", Schema.STRING);
            TestInputTopic<String, String> orders = driver.createInputTopic("orders", Schema.STRING);
            orders.pipeInput("c1", "o1");
            customers.pipeInput("c1", "alice");
            orders.pipeInput("c1", "o2");
            customers.pipeInput("c1", null);
            orders.pipeInput("c1", "o3");
            assertEquals(List.of("o1/null", "o2/alice", "o3/null"),
                    driver.createOutputTopic("enriched", Schema.STRING).readValuesToList());
        }
    }

    @Test
    void manyOrdersMeetTheirCustomersAsTheyWereExactly() {
        Random random = new Random(3);
        try (TopologyTestDriver driver = new TopologyTestDriver(enrichment(true).build())) {
            TestInputTopic<String, String> customers = driver.createInputTopic("customers", Schema.STRING);
            TestInputTopic<String, String> orders = driver.createInputTopic("orders", Schema.STRING);
            Map<String, String> current = new HashMap<>();
            List<String> expected = new ArrayList<>();
            for (int batch = 0; batch < 10; batch++) {
                for (int i = 0; i < 500; i++) {
                    String customer = "c" + random.nextInt(1_000);
                    String row = random.nextInt(5) == 0 ? null : customer + "-v" + batch;
                    customers.pipeInput(customer, row);
                    current.compute(customer, (k, v) -> row);
                }
                for (int i = 0; i < 2_000; i++) {
                    String customer = "c" + random.nextInt(1_000);
                    String order = "o" + batch + "-" + i;
                    orders.pipeInput(customer, order);
                    expected.add(order + "/" + current.get(customer));
                }
            }
            assertEquals(expected, driver.createOutputTopic("enriched", Schema.STRING).readValuesToList());
        }
    }

    @Test
    void aJoinAfterTheKeyChangedReadsThroughARepartitionTopic() {
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> customers = builder.table("customers", Schema.STRING);
        // Orders keyed by order id, carrying "customer:amount"; re-keyed by customer before the join.
        builder.stream("orders", Schema.STRING)
                .selectKey((orderId, value) -> value.substring(0, value.indexOf(':')))
                .join(customers, (order, customer) -> order + "@" + customer)
                .to("enriched", Schema.STRING);
        var topology = builder.build();
        assertTrue(topology.describe().contains("repartition"), topology.describe());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology)) {
            driver.createInputTopic("customers", Schema.STRING).pipeInput("c7", "bob");
            driver.createInputTopic("orders", Schema.STRING).pipeInput("o1", "c7:30");
            assertEquals(List.of(new KeyValue<>("c7", "c7:30@bob")),
                    driver.createOutputTopic("enriched", Schema.STRING).readKeyValuesToList());
        }
    }

    @Test
    void aStreamReadAsATableJoinsLikeAnyTable() {
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> prices = builder.stream("price-changes", Schema.STRING).toTable(
                Materialized.<String, String>as("prices").withKeySchema(Schema.STRING).withValueSchema(Schema.STRING));
        builder.stream("trades", Schema.STRING).join(prices, (qty, price) -> qty + "x" + price)
                .to("valued", Schema.STRING);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, String> changes = driver.createInputTopic("price-changes", Schema.STRING);
            TestInputTopic<String, String> trades = driver.createInputTopic("trades", Schema.STRING);
            changes.pipeInput("ACME", "10");
            trades.pipeInput("ACME", "3");
            changes.pipeInput("ACME", "11");
            trades.pipeInput("ACME", "2");
            assertEquals(List.of("3x10", "2x11"), driver.createOutputTopic("valued", Schema.STRING).readValuesToList());
            assertEquals("11", driver.<String, String>getKeyValueStore("prices").get("ACME"));
        }
    }

    @Test
    void aRecordWithoutAKeyFailsNamingTheJoinAndTheTable() {
        // The driver throws what a running job sends to the dead-letter topic as an invalid record.
        try (TopologyTestDriver driver = new TopologyTestDriver(enrichment(true).build())) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> driver.createInputTopic("orders", Schema.STRING).pipeInput(null, "o1"));
            assertTrue(e.getMessage().contains("left-join") && e.getMessage().contains("without a key")
                    && e.getMessage().contains("table-1-store"), e.getMessage());
        }
    }

    @Test
    void joinsThatCannotMeetAreRefusedAtBuildTime() {
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> customers = builder.table("customers", Schema.STRING);
        TopologyException e = assertThrows(TopologyException.class, () -> builder.stream("orders",
                Consumed.with(Schema.STRING)).join(customers.filter((k, v) -> v != null), (a, b) -> a));
        assertTrue(e.getMessage().contains("no store of its own"), e.getMessage());
        @SuppressWarnings({"unchecked", "rawtypes"})
        Table<String, String> longKeyed = (Table) builder.table("accounts", Consumed.with(Schema.INT64, Schema.STRING),
                Materialized.with(Schema.INT64, Schema.STRING));
        e = assertThrows(TopologyException.class, () -> builder.stream("payments", Schema.STRING)
                .join(longKeyed, (a, b) -> a));
        assertTrue(e.getMessage().contains("key schemas differ"), e.getMessage());
        e = assertThrows(TopologyException.class, () -> new StreamBuilder().stream("x", Schema.STRING)
                .mapValues(String::length).toTable());
        assertTrue(e.getMessage().contains("value schema is unknown"), e.getMessage());
    }
}
