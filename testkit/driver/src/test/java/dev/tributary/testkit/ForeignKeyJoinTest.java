package dev.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.Topology;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class ForeignKeyJoinTest {
    /** Orders keyed by order id, valued "customer:amount", joined with customers keyed by customer id. */
    private static Topology orders(boolean left) {
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> orders = builder.table("orders", Schema.STRING);
        Table<String, String> customers = builder.table("customers", Schema.STRING);
        (left ? orders.leftJoin(customers, order -> customer(order), (order, name) -> order + "/" + name)
                : orders.join(customers, order -> customer(order), (order, name) -> order + "/" + name))
                .toStream().to("joined", Schema.STRING);
        return builder.build();
    }

    private static String customer(String order) {
        int colon = order.indexOf(':');
        return colon <= 0 ? null : order.substring(0, colon);
    }

    /** The output read as a table: the last value per key, a null deleting it. */
    private static Map<String, String> table(TestOutputTopic<String, String> out) {
        Map<String, String> table = new HashMap<>();
        for (TestRecord<String, String> record : out.readRecordsToList()) {
            if (record.value() == null) {
                table.remove(record.key());
            } else {
                table.put(record.key(), record.value());
            }
        }
        return table;
    }

    @Test
    void theJoinedTableFollowsChangesOfEitherSideAndOfTheForeignKey() {
        try (TopologyTestDriver driver = new TopologyTestDriver(orders(false))) {
            TestInputTopic<String, String> orders = driver.createInputTopic("orders", Schema.STRING);
            TestInputTopic<String, String> customers = driver.createInputTopic("customers", Schema.STRING);
            TestOutputTopic<String, String> out = driver.createOutputTopic("joined", Schema.STRING);
            orders.pipeInput("o1", "c1:10");
            assertTrue(table(out).isEmpty(), "an inner join has nothing for a customer not there");
            customers.pipeInput("c1", "Ada");
            assertEquals(Map.of("o1", "c1:10/Ada"), table(out));
            customers.pipeInput("c1", "Ada L.");
            orders.pipeInput("o2", "c1:5");
            assertEquals(List.of("o1 c1:10/Ada L.", "o2 c1:5/Ada L."), out.readRecordsToList().stream()
                    .map(r -> r.key() + " " + r.value()).toList());
            // o1 moves to c2, not there yet: its result is deleted; then c2 arrives.
            orders.pipeInput("o1", "c2:10");
            assertEquals(List.of("o1 null"), out.readRecordsToList().stream().map(r -> r.key() + " " + r.value()).toList());
            customers.pipeInput("c2", "Grace");
            // c1's change no longer reaches o1, which left it.
            customers.pipeInput("c1", "Ada Lovelace");
            assertEquals(List.of("o1 c2:10/Grace", "o2 c1:5/Ada Lovelace"), out.readRecordsToList().stream()
                    .map(r -> r.key() + " " + r.value()).toList());
            customers.pipeInput("c2", null);
            orders.pipeInput("o2", null);
            orders.pipeInput("o3", "no-customer");
            assertEquals(List.of("o1 null", "o2 null", "o3 null"), out.readRecordsToList().stream()
                    .map(r -> r.key() + " " + r.value()).toList());
        }
    }

    @Test
    void aLeftJoinKeepsEveryLeftKeyWithNullForAMissingRow() {
        try (TopologyTestDriver driver = new TopologyTestDriver(orders(true))) {
            TestInputTopic<String, String> orders = driver.createInputTopic("orders", Schema.STRING);
            TestInputTopic<String, String> customers = driver.createInputTopic("customers", Schema.STRING);
            TestOutputTopic<String, String> out = driver.createOutputTopic("joined", Schema.STRING);
            orders.pipeInput("o1", "c1:10");
            orders.pipeInput("o2", "none");
            customers.pipeInput("c1", "Ada");
            assertEquals(Map.of("o1", "c1:10/Ada", "o2", "none/null"), table(out));
            customers.pipeInput("c1", null);
            orders.pipeInput("o2", null);
            assertEquals(List.of("o1 c1:10/null", "o2 null"), out.readRecordsToList().stream()
                    .map(r -> r.key() + " " + r.value()).toList());
        }
    }

    @Test
    void afterManyUpdatesAndDeletionsOnBothSidesTheJoinedTableIsTheJoinOfTheFinalTables() {
        for (boolean left : List.of(false, true)) {
            Random random = new Random(left ? 5 : 6);
            Map<String, String> orderRows = new HashMap<>();
            Map<String, String> customerRows = new HashMap<>();
            try (TopologyTestDriver driver = new TopologyTestDriver(orders(left))) {
                TestInputTopic<String, String> orders = driver.createInputTopic("orders", Schema.STRING);
                TestInputTopic<String, String> customers = driver.createInputTopic("customers", Schema.STRING);
                for (int i = 0; i < 20_000; i++) {
                    if (random.nextBoolean()) {
                        String id = "o" + random.nextInt(2_000);
                        String row = random.nextInt(6) == 0 ? null : "c" + random.nextInt(300) + ":" + i;
                        orders.pipeInput(id, row);
                        orderRows.compute(id, (k, v) -> row);
                    } else {
                        String id = "c" + random.nextInt(300);
                        String row = random.nextInt(4) == 0 ? null : "name" + i;
                        customers.pipeInput(id, row);
                        customerRows.compute(id, (k, v) -> row);
                    }
                }
                Map<String, String> expected = new HashMap<>();
                orderRows.forEach((id, order) -> {
                    String name = customerRows.get(customer(order));
                    if (name != null || left) {
                        expected.put(id, order + "/" + name);
                    }
                });
                assertEquals(expected, table(driver.createOutputTopic("joined", Schema.STRING)),
                        (left ? "left" : "inner") + " join");
            }
        }
    }
}
