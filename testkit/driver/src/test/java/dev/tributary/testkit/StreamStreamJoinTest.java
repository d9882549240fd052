package dev.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.JoinWindows;
import dev.tributary.dsl.Stream;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.StreamJoined;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.ValueJoiner;
import dev.tributary.runtime.LateRecordProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class StreamStreamJoinTest {
    private static final long BASE = 1_700_000_000_000L;
    private static final ValueJoiner<String, String, String> JOINER = (l, r) -> l + "+" + r;

    private enum Kind { INNER, LEFT, OUTER }

    private static StreamBuilder join(Kind kind, JoinWindows windows) {
        StreamBuilder builder = new StreamBuilder();
        Stream<String, String> left = builder.stream("left", Schema.STRING);
        Stream<String, String> right = builder.stream("right", Schema.STRING);
        (switch (kind) {
            case INNER -> left.join(right, JOINER, windows);
            case LEFT -> left.leftJoin(right, JOINER, windows);
            case OUTER -> left.outerJoin(right, JOINER, windows);
        }).to("joined", Schema.STRING);
        return builder;
    }

    private static Instant at(long offset) {
        return Instant.ofEpochMilli(BASE + offset);
    }

    private static String line(TestRecord<String, String> record) {
        return record.key() + " " + record.value() + " @" + (record.timestamp().toEpochMilli() - BASE);
    }

    private static List<String> lines(TestOutputTopic<String, String> out) {
        return out.readRecordsToList().stream().map(StreamStreamJoinTest::line).toList();
    }

    @Test
    void recordsWithinTheWindowJoinOnceEachAtTheLaterTime() {
        JoinWindows windows = JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofSeconds(10));
        try (TopologyTestDriver driver = new TopologyTestDriver(join(Kind.INNER, windows).build())) {
            TestInputTopic<String, String> left = driver.createInputTopic("left", Schema.STRING);
            TestInputTopic<String, String> right = driver.createInputTopic("right", Schema.STRING);
            TestOutputTopic<String, String> out = driver.createOutputTopic("joined", Schema.STRING);
            left.pipeInput("k", "a", at(0));
            right.pipeInput("k", "x", at(10_000));
            right.pipeInput("k", "y", at(10_001));
            right.pipeInput("other", "z", at(5_000));
            left.pipeInput("k", "b", at(12_000));
            assertEquals(List.of("k a+x @10000", "k b+x @12000", "k b+y @12000"), lines(out));
        }
    }

    @Test
    void beforeAndAfterBoundTheOtherSideEachWay() {
        // A click (left) meets the impressions (right) of the 10 s before it, not after.
        JoinWindows windows = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5))
                .after(Duration.ZERO);
        try (TopologyTestDriver driver = new TopologyTestDriver(join(Kind.INNER, windows).build())) {
            TestInputTopic<String, String> clicks = driver.createInputTopic("left", Schema.STRING);
            TestInputTopic<String, String> impressions = driver.createInputTopic("right", Schema.STRING);
            TestOutputTopic<String, String> out = driver.createOutputTopic("joined", Schema.STRING);
            impressions.pipeInput("ad", "i0", at(0));
            clicks.pipeInput("ad", "c1", at(10_000));
            clicks.pipeInput("ad", "c2", at(10_001));
            impressions.pipeInput("ad", "i1", at(10_500));
            clicks.pipeInput("ad", "c3", at(9_000));
            assertEquals(List.of("ad c1+i0 @10000", "ad c3+i0 @9000"), lines(out));
        }
    }

    @Test
    void aLeftRecordThatMetNothingIsEmittedOnceWhenItsWindowClosesAndNeverBefore() {
        JoinWindows windows = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(2));
        try (TopologyTestDriver driver = new TopologyTestDriver(join(Kind.LEFT, windows).build())) {
            TestInputTopic<String, String> left = driver.createInputTopic("left", Schema.STRING);
            TestInputTopic<String, String> right = driver.createInputTopic("right", Schema.STRING);
            TestOutputTopic<String, String> out = driver.createOutputTopic("joined", Schema.STRING);
            left.pipeInput("k", "a", at(0));
            left.pipeInput("k", "b", at(1_000));
            // Stream time 12 000 = a's time + after + grace: a's window is still open.
            right.pipeInput("k", "unrelated", at(12_000));
            assertTrue(out.isEmpty(), "no result with null while a record of the other side may still come");
            right.pipeInput("k", "x", at(9_000));
            assertEquals(List.of("k a+x @9000", "k b+x @9000"), lines(out));
            // Stream time 30 000 closes a and b, which met x: nothing more of them. c meets nothing.
            left.pipeInput("k", "c", at(30_000));
            assertEquals(List.of(), lines(out));
            left.pipeInput("k", "d", at(42_000));
            assertTrue(out.isEmpty(), "c's window closes only when stream time passes 30 000 + 10 000 + 2 000");
            left.pipeInput("k", "e", at(42_001));
            assertEquals(List.of("k c+null @30000"), lines(out));
        }
    }

    @Test
    void anOuterJoinEmitsTheLoneRecordsOfBothSides() {
        JoinWindows windows = JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofSeconds(5));
        try (TopologyTestDriver driver = new TopologyTestDriver(join(Kind.OUTER, windows).build())) {
            TestInputTopic<String, String> left = driver.createInputTopic("left", Schema.STRING);
            TestInputTopic<String, String> right = driver.createInputTopic("right", Schema.STRING);
            TestOutputTopic<String, String> out = driver.createOutputTopic("joined", Schema.STRING);
            left.pipeInput("k", "a", at(0));
            right.pipeInput("k", "x", at(20_000));
            assertEquals(List.of("k a+null @0"), lines(out));
            left.pipeInput("k", "b", at(40_000));
            assertEquals(List.of("k null+x @20000"), lines(out));
        }
    }

    @Test
    void aRecordForAClosedWindowIsLateAndRoutedWithItsWindow() {
        JoinWindows windows = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(1));
        try (TopologyTestDriver driver = new TopologyTestDriver(join(Kind.INNER, windows).build())) {
            TestInputTopic<String, String> left = driver.createInputTopic("left", Schema.STRING);
            TestInputTopic<String, String> right = driver.createInputTopic("right", Schema.STRING);
            right.pipeInput("k", "x", at(30_000));
            // 30 000 > 18 000 + 10 000 + 1 000: every record the late one could meet may have gone.
            left.pipeInput("k", "late", at(18_000));
            left.pipeInput("k", "in-grace", at(20_000));
            assertEquals(List.of("k in-grace+x @30000"), lines(driver.createOutputTopic("joined", Schema.STRING)));
            List<TestRecord<String, String>> late = driver.createOutputTopic(driver.lateRecordsTopic("left"),
                    Schema.STRING).readRecordsToList();
            assertEquals(1, late.size());
            assertEquals("late", late.get(0).value());
            assertEquals(Long.toString(BASE + 8_000), late.get(0).properties().get(LateRecordProperties.WINDOW_START));
            assertEquals(Long.toString(BASE + 28_001), late.get(0).properties().get(LateRecordProperties.WINDOW_END));
            assertEquals(Long.toString(BASE + 30_000), late.get(0).properties().get(LateRecordProperties.STREAM_TIME));
        }
    }

    private record Event(boolean left, String key, String value, long time) {
    }

    /** What the join gives by its definition, with no record late. */
    private static List<String> reference(List<Event> events, Kind kind, long before, long after) {
        List<String> expected = new ArrayList<>();
        Map<Event, Boolean> matched = new HashMap<>();
        for (Event l : events) {
            for (Event r : events) {
                if (l.left && !r.left && l.key.equals(r.key) && r.time >= l.time - before && r.time <= l.time + after) {
                    expected.add(l.key + " " + l.value + "+" + r.value + " @" + Math.max(l.time, r.time));
                    matched.put(l, true);
                    matched.put(r, true);
                }
            }
        }
        for (Event e : events) {
            if (!matched.containsKey(e) && (kind == Kind.OUTER || kind == Kind.LEFT && e.left)) {
                expected.add(e.key + " " + (e.left ? e.value + "+null" : "null+" + e.value) + " @" + e.time);
            }
        }
        expected.sort(null);
        return expected;
    }

    @Test
    void everyKindMatchesItsDefinitionWithDisorderInsideTheGrace() {
        long before = 3_000;
        long after = 7_000;
        long grace = 4_000;
        JoinWindows windows = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(before), Duration.ofMillis(grace))
                .after(Duration.ofMillis(after));
        Random random = new Random(11);
        List<Event> events = new ArrayList<>();
        long streamTime = 0;
        for (int i = 0; i < 4_000; i++) {
            streamTime += random.nextInt(60);
            // Up to the grace behind the latest time: never late, for any key.
            long time = Math.max(0, streamTime - random.nextInt((int) grace + 1));
            events.add(new Event(random.nextBoolean(), "k" + random.nextInt(40), "v" + i, time));
        }
        for (Kind kind : Kind.values()) {
            try (TopologyTestDriver driver = new TopologyTestDriver(join(kind, windows).build())) {
                TestInputTopic<String, String> left = driver.createInputTopic("left", Schema.STRING);
                TestInputTopic<String, String> right = driver.createInputTopic("right", Schema.STRING);
                for (Event e : events) {
                    (e.left ? left : right).pipeInput(e.key, e.value, at(e.time));
                }
                List<String> early = new ArrayList<>(lines(driver.createOutputTopic("joined", Schema.STRING)));
                // A record far later on each key closes every window; it meets nothing and stays open.
                for (int k = 0; k < 40; k++) {
                    left.pipeInput("k" + k, "end", at(streamTime + 1_000_000));
                }
                List<String> all = new ArrayList<>(early);
                all.addAll(lines(driver.createOutputTopic("joined", Schema.STRING)));
                all.sort(null);
                assertEquals(reference(events, kind, before, after), all, kind + " join");
                assertTrue(driver.createOutputTopic(driver.lateRecordsTopic("left"), Schema.STRING).isEmpty());
                assertTrue(driver.createOutputTopic(driver.lateRecordsTopic("right"), Schema.STRING).isEmpty());
            }
        }
    }

    @Test
    void aJoinAfterAKeyChangeRepartitionsAndNeedsTheValueSchemas() {
        StreamBuilder builder = new StreamBuilder();
        Stream<String, String> views = builder.stream("views", Schema.STRING)
                .selectKey((key, value) -> value.substring(0, value.indexOf(':')));
        Stream<String, String> buys = builder.stream("buys", Schema.STRING);
        TopologyException unknown = assertThrows(TopologyException.class, () -> builder.stream("x", Schema.STRING)
                .map((k, v) -> new dev.tributary.dsl.KeyValue<>(k, v)).join(buys, JOINER,
                        JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofSeconds(1))));
        assertTrue(unknown.getMessage().contains("StreamJoined.with"), unknown.getMessage());
        views.join(buys, JOINER, JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofSeconds(5)),
                        StreamJoined.<String, String, String>as("view-buy"))
                .to("joined", Schema.STRING);
        var topology = builder.build();
        assertTrue(topology.describe().contains("repartition"), topology.describe());
        assertTrue(topology.describe().contains("view-buy-this-store"), topology.describe());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology)) {
            driver.createInputTopic("views", Schema.STRING).pipeInput("v1", "u7:page", at(0));
            driver.createInputTopic("buys", Schema.STRING).pipeInput("u7", "book", at(1_000));
            assertEquals(List.of("u7 u7:page+book @1000"), lines(driver.createOutputTopic("joined", Schema.STRING)));
        }
    }

    @Test
    void sidesWithDifferentKeySchemasFailAtBuildTime() {
        StreamBuilder builder = new StreamBuilder();
        Stream<String, String> left = builder.stream("left", Schema.STRING);
        Stream<Long, String> right = builder.stream("right", dev.tributary.dsl.Consumed.with(Schema.INT64, Schema.STRING));
        @SuppressWarnings({"unchecked", "rawtypes"})
        TopologyException e = assertThrows(TopologyException.class, () -> left.join((Stream) right, JOINER,
                JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofSeconds(1))));
        assertTrue(e.getMessage().contains("key schemas differ"), e.getMessage());
    }
}
