package dev.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.ValueJoiner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class TableTableJoinTest {
    private enum Kind { INNER, LEFT, OUTER }

    private static TopologyTestDriver driver(Kind kind) {
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> left = builder.table("left", Schema.STRING);
        Table<String, String> right = builder.table("right", Schema.STRING);
        ValueJoiner<String, String, String> joiner = (l, r) -> l + "+" + r;
        Table<String, String> joined = switch (kind) {
            case INNER -> left.join(right, joiner);
            case LEFT -> left.leftJoin(right, joiner);
            case OUTER -> left.outerJoin(right, joiner);
        };
        joined.toStream().to("joined", Schema.STRING);
        return new TopologyTestDriver(builder.build());
    }

    @Test
    void eachChangeOfEitherSideGivesTheNewJoinedValueOrADeletion() {
        try (TopologyTestDriver driver = driver(Kind.INNER)) {
            TestInputTopic<String, String> left = driver.createInputTopic("left", Schema.STRING);
            TestInputTopic<String, String> right = driver.createInputTopic("right", Schema.STRING);
            TestOutputTopic<String, String> joined = driver.createOutputTopic("joined", Schema.STRING);
            left.pipeInput("k", "a");
            right.pipeInput("k", "x");
            left.pipeInput("k", "b");
            right.pipeInput("k", null);
            assertEquals(List.of(new KeyValue<>("k", null), new KeyValue<>("k", "a+x"), new KeyValue<>("k", "b+x"),
                    new KeyValue<>("k", null)), joined.readKeyValuesToList());
        }
    }

    @Test
    void leftAndOuterJoinsKeepTheKeysOfOneOrEitherSide() {
        try (TopologyTestDriver driver = driver(Kind.LEFT)) {
            driver.createInputTopic("right", Schema.STRING).pipeInput("k", "x");
            driver.createInputTopic("left", Schema.STRING).pipeInput("k", "a");
            driver.createInputTopic("right", Schema.STRING).pipeInput("k", null);
            assertEquals(java.util.Arrays.asList(null, "a+x", "a+null"),
                    driver.createOutputTopic("joined", Schema.STRING).readValuesToList());
        }
        try (TopologyTestDriver driver = driver(Kind.OUTER)) {
            driver.createInputTopic("right", Schema.STRING).pipeInput("k", "x");
            driver.createInputTopic("left", Schema.STRING).pipeInput("k", "a");
            driver.createInputTopic("left", Schema.STRING).pipeInput("k", null);
            driver.createInputTopic("right", Schema.STRING).pipeInput("k", null);
            assertEquals(java.util.Arrays.asList("null+x", "a+x", "null+x", null),
                    driver.createOutputTopic("joined", Schema.STRING).readValuesToList());
        }
    }

    @Test
    void theJoinedTablesAreExactAfterUpdatesAndDeletionsOnBothSides() {
        for (Kind kind : Kind.values()) {
            Random random = new Random(kind.ordinal());
            Map<String, String> left = new HashMap<>();
            Map<String, String> right = new HashMap<>();
            try (TopologyTestDriver driver = driver(kind)) {
                TestInputTopic<String, String> leftIn = driver.createInputTopic("left", Schema.STRING);
                TestInputTopic<String, String> rightIn = driver.createInputTopic("right", Schema.STRING);
                for (int i = 0; i < 20_000; i++) {
                    String key = "k" + random.nextInt(500);
                    String value = random.nextInt(5) == 0 ? null : "v" + i;
                    if (random.nextBoolean()) {
                        leftIn.pipeInput(key, value);
                        left.compute(key, (k, v) -> value);
                    } else {
                        rightIn.pipeInput(key, value);
                        right.compute(key, (k, v) -> value);
                    }
                }
                Map<String, String> table = new HashMap<>();
                for (KeyValue<String, String> change : driver.createOutputTopic("joined", Schema.STRING)
                        .readKeyValuesToList()) {
                    table.compute(change.key(), (k, v) -> change.value());
                }
                assertEquals(expected(kind, left, right), table, kind.toString());
            }
        }
    }

    private static Map<String, String> expected(Kind kind, Map<String, String> left, Map<String, String> right) {
        Map<String, String> joined = new HashMap<>();
        BiFunction<String, String, Boolean> holds = switch (kind) {
            case INNER -> (l, r) -> l != null && r != null;
            case LEFT -> (l, r) -> l != null;
            case OUTER -> (l, r) -> l != null || r != null;
        };
        java.util.Set<String> keys = new java.util.HashSet<>(left.keySet());
        keys.addAll(right.keySet());
        for (String key : keys) {
            String l = left.get(key);
            String r = right.get(key);
            if (holds.apply(l, r)) {
                joined.put(key, l + "+" + r);
            }
        }
        return joined;
    }

    @Test
    void aTableWithoutAStoreIsRefused() {
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> left = builder.table("left", Schema.STRING);
        Table<String, String> right = builder.table("right", Schema.STRING);
        TopologyException e = assertThrows(TopologyException.class,
                () -> left.join(right.mapValues(String::trim), (l, r) -> l));
        assertTrue(e.getMessage().contains("no store of its own"), e.getMessage());
    }
}
