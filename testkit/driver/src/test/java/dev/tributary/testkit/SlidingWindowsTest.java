package dev.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.SlidingWindows;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.state.Materialized;
import dev.tributary.runtime.LateRecordProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class SlidingWindowsTest {
    private static final long BASE = 1_700_000_000_000L;

    /** A window by its key and its end (included). */
    private record Window(String key, long end) {
    }

    private static Topology countTopology(Duration difference, Duration grace, EmitStrategy emit) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("events", Schema.STRING).groupByKey()
                .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(difference, grace)).emit(emit).count()
                .toStream().to("counts", Schema.INT64);
        return builder.build();
    }

    /**
     * Every sliding window by its definition: for each record time {@code t} the window {@code [t - d, t]},
     * and {@code [t + 1, t + d + 1]} when a record falls in it; each with the records it holds.
     */
    static Map<Window, Long> reference(Map<String, List<Long>> times, long d) {
        Map<Window, Long> windows = new HashMap<>();
        times.forEach((key, list) -> {
            long[] sorted = list.stream().mapToLong(Long::longValue).sorted().toArray();
            for (long t : sorted) {
                windows.put(new Window(key, t), count(sorted, t - d, t));
                long right = count(sorted, t + 1, t + d + 1);
                if (right > 0) {
                    windows.put(new Window(key, t + d + 1), right);
                }
            }
        });
        return windows;
    }

    private static long count(long[] sorted, long from, long to) {
        return upper(sorted, to) - upper(sorted, from - 1);
    }

    /** How many of the sorted times are at most {@code time}. */
    private static int upper(long[] sorted, long time) {
        int index = Arrays.binarySearch(sorted, time + 1);
        index = index < 0 ? -index - 1 : index;
        while (index > 0 && sorted[index - 1] > time) {
            index--;
        }
        while (index < sorted.length && sorted[index] <= time) {
            index++;
        }
        return index;
    }

    private static Window windowOf(TestRecord<String, Long> record, long d) {
        long start = Long.parseLong(record.properties().get(Windowed.START_PROPERTY));
        long end = Long.parseLong(record.properties().get(Windowed.END_PROPERTY)) - 1;
        assertEquals(Math.max(0, end - d), start, "a sliding window's start is its end less the time difference");
        return new Window(record.key(), end);
    }

    /** Records over keys in time order, each moved back by up to {@code disorder} ms, by key. */
    private static List<long[]> events(int count, int keys, long spacing, long disorder, long seed) {
        Random random = new Random(seed);
        List<long[]> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new long[] {random.nextInt(keys), BASE + i * spacing - random.nextInt((int) disorder)});
        }
        return events;
    }

    private static Map<String, List<Long>> byKey(List<long[]> events) {
        Map<String, List<Long>> times = new HashMap<>();
        for (long[] event : events) {
            times.computeIfAbsent("k" + event[0], k -> new ArrayList<>()).add(event[1]);
        }
        return times;
    }

    private static void pipe(TestInputTopic<String, String> in, List<long[]> events) {
        for (long[] event : events) {
            in.pipeInput("k" + event[0], "v", Instant.ofEpochMilli(event[1]));
        }
    }

    @Test
    void eachRecordOpensTheWindowEndingAtItAndTheOneAfterItsPredecessor() {
        try (TopologyTestDriver driver = new TopologyTestDriver(countTopology(Duration.ofSeconds(10), Duration.ZERO,
                EmitStrategy.onWindowUpdate()))) {
            TestInputTopic<String, String> in = driver.createInputTopic("events", Schema.STRING);
            TestOutputTopic<String, Long> out = driver.createOutputTopic("counts", Schema.INT64);
            in.pipeInput("a", "v", Instant.ofEpochMilli(BASE));
            // [BASE - 10 s, BASE]: 1.
            assertEquals(List.of(List.of(BASE - 10_000, BASE + 1, 1L)), read(out));
            in.pipeInput("a", "v", Instant.ofEpochMilli(BASE + 4_000));
            // The window ending at the new record holds both; the one just after the first holds the new one.
            assertEquals(Set.of(List.of(BASE - 6_000, BASE + 4_001, 2L), List.of(BASE + 1, BASE + 10_002, 1L)),
                    Set.copyOf(read(out)));
            in.pipeInput("a", "v", Instant.ofEpochMilli(BASE + 30_000));
            // Too far from both: one window of its own, and none after the second record.
            assertEquals(List.of(List.of(BASE + 20_000, BASE + 30_001, 1L)), read(out));
        }
    }

    @Test
    void aRecordOutOfOrderUpdatesTheWindowsAroundItAndCreatesItsOwn() {
        try (TopologyTestDriver driver = new TopologyTestDriver(countTopology(Duration.ofSeconds(10),
                Duration.ofSeconds(30), EmitStrategy.onWindowUpdate()))) {
            TestInputTopic<String, String> in = driver.createInputTopic("events", Schema.STRING);
            TestOutputTopic<String, Long> out = driver.createOutputTopic("counts", Schema.INT64);
            in.pipeInput("a", "v", Instant.ofEpochMilli(BASE));
            in.pipeInput("a", "v", Instant.ofEpochMilli(BASE + 8_000));
            read(out);
            in.pipeInput("a", "v", Instant.ofEpochMilli(BASE + 5_000));
            assertEquals(Set.of(
                    // Ending at the second record, and after the first: each now holds one more.
                    List.of(BASE - 2_000, BASE + 8_001, 3L), List.of(BASE + 1, BASE + 10_002, 2L),
                    // Its own, from the window ending at the first record plus itself.
                    List.of(BASE - 5_000, BASE + 5_001, 2L),
                    // After it: the second record alone, taken from the window after the first.
                    List.of(BASE + 5_001, BASE + 15_002, 1L)), Set.copyOf(read(out)));
        }
    }

    private static List<List<Long>> read(TestOutputTopic<String, Long> out) {
        return out.readRecordsToList().stream().map(record -> List.of(
                Long.parseLong(record.properties().get(Windowed.START_PROPERTY)),
                Long.parseLong(record.properties().get(Windowed.END_PROPERTY)), record.value())).toList();
    }

    @Test
    void countsMatchAReferenceWithDisorderInsideTheGrace() {
        List<long[]> events = events(20_000, 200, 7, 4_000, 11);
        try (TopologyTestDriver driver = new TopologyTestDriver(countTopology(Duration.ofSeconds(10),
                Duration.ofSeconds(5), EmitStrategy.onWindowUpdate()))) {
            pipe(driver.createInputTopic("events", Schema.STRING), events);
            Map<Window, Long> latest = new HashMap<>();
            for (TestRecord<String, Long> record : driver.createOutputTopic("counts", Schema.INT64).readRecordsToList()) {
                latest.put(windowOf(record, 10_000), record.value());
            }
            assertEquals(reference(byKey(events), 10_000), latest);
            assertTrue(driver.createOutputTopic(driver.lateRecordsTopic("events"), Schema.STRING).isEmpty());
        }
    }

    @Test
    void emitOnCloseSendsEachWindowOnceWithItsFinalCount() {
        List<long[]> events = events(20_000, 200, 7, 4_000, 12);
        Map<Window, Long> expected = reference(byKey(events), 10_000);
        try (TopologyTestDriver driver = new TopologyTestDriver(countTopology(Duration.ofSeconds(10),
                Duration.ofSeconds(5), EmitStrategy.onWindowClose()))) {
            pipe(driver.createInputTopic("events", Schema.STRING), events);
            long lastTime = events.get(events.size() - 1)[1];
            Set<Window> once = new HashSet<>();
            for (TestRecord<String, Long> record : driver.createOutputTopic("counts", Schema.INT64).readRecordsToList()) {
                Window window = windowOf(record, 10_000);
                assertTrue(once.add(window), "emitted twice: " + window);
                assertEquals(expected.get(window), record.value(), "final count of " + window);
                assertTrue(window.end + 1 + 5_000 <= lastTime + 4_000, "emitted before it could close: " + window);
                assertEquals(window.end, record.timestamp().toEpochMilli(), "a final result carries the window's end");
            }
            // A key group's stream time is at least its keys' latest record time; closed windows are looked
            // for each time it moves by a twentieth of the window.
            Map<String, Long> latest = new HashMap<>();
            byKey(events).forEach((key, times) -> latest.put(key, times.stream().mapToLong(t -> t).max().orElseThrow()));
            expected.keySet().stream().filter(window -> window.end + 1 + 5_000 <= latest.get(window.key) - 500)
                    .forEach(window -> assertTrue(once.contains(window), "closed but not emitted: " + window));
            assertTrue(once.size() > expected.size() * 3 / 4, "most windows closed: " + once.size() + " of "
                    + expected.size());
        }
    }

    @Test
    void lateRecordsGoToTheLateTopicAndAreNotCounted() {
        try (TopologyTestDriver driver = new TopologyTestDriver(countTopology(Duration.ofSeconds(10),
                Duration.ofSeconds(2), EmitStrategy.onWindowUpdate()))) {
            TestInputTopic<String, String> in = driver.createInputTopic("events", Schema.STRING);
            TestOutputTopic<String, Long> out = driver.createOutputTopic("counts", Schema.INT64);
            in.pipeInput("a", "first", Instant.ofEpochMilli(BASE));
            in.pipeInput("a", "moves-time", Instant.ofEpochMilli(BASE + 5_000));
            read(out);
            // The window ending at BASE + 2 s closed when stream time reached BASE + 2 s + 1 ms + 2 s.
            in.pipeInput("a", "late", Instant.ofEpochMilli(BASE + 2_000));
            assertTrue(out.isEmpty(), "a late record changes no window");
            // Within the grace: counted in its own window and in those around it.
            in.pipeInput("a", "in-grace", Instant.ofEpochMilli(BASE + 3_000));
            assertEquals(Set.of(List.of(BASE - 7_000, BASE + 3_001, 2L), List.of(BASE + 1, BASE + 10_002, 2L),
                    List.of(BASE - 5_000, BASE + 5_001, 3L), List.of(BASE + 3_001, BASE + 13_002, 1L)),
                    Set.copyOf(read(out)));
            List<TestRecord<String, String>> late = driver.createOutputTopic(driver.lateRecordsTopic("events"),
                    Schema.STRING).readRecordsToList();
            assertEquals(List.of("late"), late.stream().map(TestRecord::value).toList());
            assertEquals(Long.toString(BASE - 8_000), late.get(0).properties().get(LateRecordProperties.WINDOW_START));
            assertEquals(Long.toString(BASE + 2_001), late.get(0).properties().get(LateRecordProperties.WINDOW_END));
        }
    }

    @Test
    void reduceAndAggregateFollowTheRecordsOfEachWindow() {
        StreamBuilder builder = new StreamBuilder();
        var windowed = builder.stream("amounts", Schema.INT64).groupByKey()
                .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(10)));
        windowed.reduce(Math::max).toStream().to("maxima", Schema.INT64);
        windowed.aggregate(() -> "", (key, value, text) -> text + value, Materialized.<String, String>as("texts")
                .withValueSchema(Schema.STRING)).toStream().to("texts", Schema.STRING);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, Long> in = driver.createInputTopic("amounts", Schema.INT64);
            in.pipeInput("a", 7L, Instant.ofEpochMilli(BASE));
            in.pipeInput("a", 2L, Instant.ofEpochMilli(BASE + 12_000));
            in.pipeInput("a", 5L, Instant.ofEpochMilli(BASE + 6_000));
            Map<Long, Long> maxima = new HashMap<>();
            Map<Long, String> texts = new HashMap<>();
            driver.createOutputTopic("maxima", Schema.INT64).readRecordsToList().forEach(r ->
                    maxima.put(Long.parseLong(r.properties().get(Windowed.END_PROPERTY)) - 1 - BASE, r.value()));
            driver.createOutputTopic("texts", Schema.STRING).readRecordsToList().forEach(r ->
                    texts.put(Long.parseLong(r.properties().get(Windowed.END_PROPERTY)) - 1 - BASE, r.value()));
            // Windows by their end: at each record, and 10 s + 1 ms after the first and the third.
            assertEquals(Map.of(0L, 7L, 6_000L, 7L, 10_001L, 5L, 12_000L, 5L, 16_001L, 2L), maxima);
            assertEquals(Map.of(0L, "7", 6_000L, "75", 10_001L, "5", 12_000L, "25", 16_001L, "2"), texts);
        }
    }

    @Test
    void emitOnCommitAndShortRetentionAreRefused() {
        StreamBuilder builder = new StreamBuilder();
        var grouped = builder.stream("events", Schema.STRING).groupByKey();
        SlidingWindows windows = SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5));
        TopologyException e = assertThrows(TopologyException.class,
                () -> grouped.windowedBy(windows).emit(EmitStrategy.onCommit()));
        assertTrue(e.getMessage().contains("sliding"), e.getMessage());
        e = assertThrows(TopologyException.class, () -> grouped.windowedBy(windows)
                .count(Materialized.<String, Long>as("c").withRetention(Duration.ofSeconds(15))));
        assertTrue(e.getMessage().contains("retention"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SlidingWindows.ofTimeDifferenceWithNoGrace(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(1), Duration.ofSeconds(-1)));
    }
}
