package dev.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Grouped;
import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.state.Materialized;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class TableAggregationTest {
    /** Users (key: user, value: "region:balance") counted and summed per region. */
    private static TopologyTestDriver driver() {
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> users = builder.table("users", Schema.STRING);
        var byRegion = users.groupBy((user, row) -> KeyValue.pair(row.substring(0, row.indexOf(':')),
                Long.parseLong(row.substring(row.indexOf(':') + 1))), Grouped.with(Schema.STRING, Schema.INT64));
        byRegion.count(Materialized.as("users-per-region")).toStream().to("counts", Schema.INT64);
        byRegion.reduce(Long::sum, (sum, balance) -> sum - balance).toStream().to("sums", Schema.INT64);
        return new TopologyTestDriver(builder.build());
    }

    @Test
    void aRowThatMovesLeavesItsOldGroup() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, String> users = driver.createInputTopic("users", Schema.STRING);
            users.pipeInput("ann", "eu:10");
            users.pipeInput("bob", "eu:5");
            users.pipeInput("ann", "us:7");
            users.pipeInput("bob", null);
            var counts = driver.<String, Long>getKeyValueStore("users-per-region");
            assertEquals(0L, counts.get("eu"));
            assertEquals(1L, counts.get("us"));
            Map<String, Long> sums = new HashMap<>();
            driver.createOutputTopic("sums", Schema.INT64).readKeyValuesToList()
                    .forEach(change -> sums.put(change.key(), change.value()));
            assertEquals(Map.of("eu", 0L, "us", 7L), sums);
        }
    }

    @Test
    void countsAndSumsMatchTheTableAfterManyUpdatesAndDeletions() {
        Random random = new Random(8);
        Map<String, String> table = new HashMap<>();
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, String> users = driver.createInputTopic("users", Schema.STRING);
            for (int i = 0; i < 20_000; i++) {
                String user = "u" + random.nextInt(1_000);
                String row = random.nextInt(6) == 0 ? null : "r" + random.nextInt(20) + ":" + random.nextInt(100);
                users.pipeInput(user, row);
                table.compute(user, (k, v) -> row);
            }
            Map<String, Long> expectedCounts = new HashMap<>();
            Map<String, Long> expectedSums = new HashMap<>();
            table.values().forEach(row -> {
                String region = row.substring(0, row.indexOf(':'));
                expectedCounts.merge(region, 1L, Long::sum);
                expectedSums.merge(region, Long.parseLong(row.substring(row.indexOf(':') + 1)), Long::sum);
            });
            Map<String, Long> counts = new HashMap<>();
            driver.createOutputTopic("counts", Schema.INT64).readKeyValuesToList()
                    .forEach(change -> counts.put(change.key(), change.value()));
            Map<String, Long> sums = new HashMap<>();
            driver.createOutputTopic("sums", Schema.INT64).readKeyValuesToList()
                    .forEach(change -> sums.put(change.key(), change.value()));
            counts.values().removeIf(count -> count == 0);
            assertEquals(expectedCounts, counts);
            sums.keySet().retainAll(expectedCounts.keySet());
            assertEquals(expectedSums, sums);
        }
    }

    @Test
    void aTableWhoseValueSchemaIsUnknownIsRefused() {
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> users = builder.table("users", Schema.STRING);
        TopologyException e = assertThrows(TopologyException.class, () -> users.mapValues(String::length)
                .groupBy((k, v) -> KeyValue.pair(k, (long) v), Grouped.with(Schema.STRING, Schema.INT64)));
        assertTrue(e.getMessage().contains("value schema is unknown"), e.getMessage());
    }
}
