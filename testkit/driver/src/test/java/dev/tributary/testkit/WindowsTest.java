package dev.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.SessionWindows;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.TimeWindows;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.state.Materialized;
import dev.tributary.runtime.LateRecordProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class WindowsTest {
    private static final long BASE = 1_700_000_000_000L;

    private record Window(String key, long start) {
    }

    private static Topology countTopology(TimeWindows windows, EmitStrategy emit) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("events", Schema.STRING).groupByKey().windowedBy(windows).emit(emit).count()
                .toStream().to("counts", Schema.INT64);
        return builder.build();
    }

    /** Records over keys in time order, each moved back by up to {@code disorder} ms. */
    private static List<long[]> events(int count, int keys, long spacing, long disorder, long seed) {
        Random random = new Random(seed);
        List<long[]> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long time = BASE + i * spacing - (disorder > 0 ? random.nextInt((int) disorder) : 0);
            events.add(new long[] {random.nextInt(keys), time});
        }
        return events;
    }

    private static Map<Window, Long> reference(List<long[]> events, long size, long advance) {
        Map<Window, Long> counts = new HashMap<>();
        for (long[] event : events) {
            long time = event[1];
            for (long start = time - time % advance; start > time - size; start -= advance) {
                counts.merge(new Window("k" + event[0], start), 1L, Long::sum);
            }
        }
        return counts;
    }

    private static Window windowOf(TestRecord<String, Long> record) {
        long start = Long.parseLong(record.properties().get(Windowed.START_PROPERTY));
        return new Window(record.key(), start);
    }

    private static Map<Window, Long> latest(List<TestRecord<String, Long>> records, long size) {
        Map<Window, Long> latest = new HashMap<>();
        for (TestRecord<String, Long> record : records) {
            Window window = windowOf(record);
            assertEquals(window.start + size, Long.parseLong(record.properties().get(Windowed.END_PROPERTY)));
            latest.put(window, record.value());
        }
        return latest;
    }

    private static void pipe(TestInputTopic<String, String> in, List<long[]> events) {
        for (long[] event : events) {
            in.pipeInput("k" + event[0], "v", Instant.ofEpochMilli(event[1]));
        }
    }

    @Test
    void tumblingCountsMatchAReferenceWithDisorderInsideTheGrace() {
        TimeWindows windows = TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5));
        List<long[]> events = events(20_000, 200, 7, 4_000, 1);
        try (TopologyTestDriver driver = new TopologyTestDriver(countTopology(windows, EmitStrategy.onWindowUpdate()))) {
            pipe(driver.createInputTopic("events", Schema.STRING), events);
            List<TestRecord<String, Long>> out = driver.createOutputTopic("counts", Schema.INT64).readRecordsToList();
            assertEquals(events.size(), out.size(), "one update per record");
            assertEquals(reference(events, 10_000, 10_000), latest(out, 10_000));
            assertTrue(driver.createOutputTopic(driver.lateRecordsTopic("events"), Schema.STRING).isEmpty());
        }
    }

    @Test
    void hoppingCountsMatchAReference() {
        TimeWindows windows = TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5))
                .advanceBy(Duration.ofSeconds(3));
        List<long[]> events = events(10_000, 100, 9, 3_000, 2);
        try (TopologyTestDriver driver = new TopologyTestDriver(countTopology(windows, EmitStrategy.onWindowUpdate()))) {
            pipe(driver.createInputTopic("events", Schema.STRING), events);
            List<TestRecord<String, Long>> out = driver.createOutputTopic("counts", Schema.INT64).readRecordsToList();
            assertEquals(reference(events, 10_000, 3_000), latest(out, 10_000));
        }
    }

    @Test
    void emitOnCloseSendsEachWindowOnceWithItsFinalCountAndOnlyOnceClosed() {
        TimeWindows windows = TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5));
        List<long[]> events = events(20_000, 200, 7, 4_000, 3);
        try (TopologyTestDriver driver = new TopologyTestDriver(countTopology(windows, EmitStrategy.onWindowClose()))) {
            pipe(driver.createInputTopic("events", Schema.STRING), events);
            List<TestRecord<String, Long>> out = driver.createOutputTopic("counts", Schema.INT64).readRecordsToList();
            Set<Window> seen = new HashSet<>();
            for (TestRecord<String, Long> record : out) {
                assertTrue(seen.add(windowOf(record)), "emitted twice: " + windowOf(record));
            }
            Map<Window, Long> expected = reference(events, 10_000, 10_000);
            long lastTime = events.get(events.size() - 1)[1];
            Map<Window, Long> closed = new HashMap<>();
            // Every key group has records every second or so: its stream time is within the disorder and
            // a few seconds of the last record's time.
            expected.forEach((window, count) -> {
                if (window.start + 10_000 + 5_000 <= lastTime - 4_000 - 10_000) {
                    closed.put(window, count);
                }
            });
            Map<Window, Long> emitted = latest(out, 10_000);
            emitted.forEach((window, count) -> assertEquals(expected.get(window), count, "final count of " + window));
            assertTrue(emitted.keySet().containsAll(closed.keySet()), "every surely closed window was emitted");
            for (Window window : emitted.keySet()) {
                assertTrue(window.start + 15_000 <= lastTime, "emitted before it could close: " + window);
            }
        }
    }

    @Test
    void emitOnCommitSendsTheLatestCountOfEachChangedWindow() {
        TimeWindows windows = TimeWindows.ofSizeWithNoGrace(Duration.ofSeconds(10));
        try (TopologyTestDriver driver = new TopologyTestDriver(countTopology(windows, EmitStrategy.onCommit()))) {
            TestInputTopic<String, String> in = driver.createInputTopic("events", Schema.STRING);
            in.pipeInput("a", "v", Instant.ofEpochMilli(BASE));
            in.pipeInput("a", "v", Instant.ofEpochMilli(BASE + 1));
            List<TestRecord<String, Long>> out = driver.createOutputTopic("counts", Schema.INT64).readRecordsToList();
            // The driver commits after every record: each commit sends the window's count once.
            assertEquals(List.of(1L, 2L), out.stream().map(TestRecord::value).toList());
        }
    }

    @Test
    void lateRecordsGoToTheLateTopicUnchangedAndAreNotCounted() {
        TimeWindows windows = TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(2));
        try (TopologyTestDriver driver = new TopologyTestDriver(countTopology(windows, EmitStrategy.onWindowUpdate()))) {
            TestInputTopic<String, String> in = driver.createInputTopic("events", Schema.STRING);
            TestOutputTopic<String, Long> counts = driver.createOutputTopic("counts", Schema.INT64);
            in.pipeInput("a", "first", Instant.ofEpochMilli(BASE + 1_000));
            in.pipeInput("a", "moves-time", Instant.ofEpochMilli(BASE + 12_000));
            // Window [BASE, BASE+10s) closed at BASE+12s: end + grace reached.
            in.pipeInput("a", "late", Instant.ofEpochMilli(BASE + 9_999));
            // Within the grace of the next window: counted.
            in.pipeInput("a", "in-grace", Instant.ofEpochMilli(BASE + 10_001));
            assertEquals(List.of(1L, 1L, 2L), counts.readValuesToList());
            List<TestRecord<String, String>> late = driver.createOutputTopic(driver.lateRecordsTopic("events"),
                    Schema.STRING).readRecordsToList();
            assertEquals(1, late.size());
            TestRecord<String, String> record = late.get(0);
            assertEquals("a", record.key());
            assertEquals("late", record.value());
            assertEquals(BASE + 9_999, record.timestamp().toEpochMilli());
            assertEquals(Long.toString(BASE), record.properties().get(LateRecordProperties.WINDOW_START));
            assertEquals(Long.toString(BASE + 10_000), record.properties().get(LateRecordProperties.WINDOW_END));
            assertEquals(Long.toString(BASE + 12_000), record.properties().get(LateRecordProperties.STREAM_TIME));
            assertEquals("persistent://public/default/events-test-driver-late", driver.lateRecordsTopic("events"));
        }
    }

    @Test
    void lateRecordsCanGoToTheDeadLetterTopicOrBeSkipped() {
        TimeWindows windows = TimeWindows.ofSizeWithNoGrace(Duration.ofSeconds(1));
        for (String policy : List.of("dead-letter", "skip")) {
            Configuration config = Configuration.of(Map.of("windows.late.policy", policy));
            try (TopologyTestDriver driver = new TopologyTestDriver(countTopology(windows, EmitStrategy.onWindowUpdate()),
                    config)) {
                TestInputTopic<String, String> in = driver.createInputTopic("events", Schema.STRING);
                in.pipeInput("a", "v", Instant.ofEpochMilli(BASE + 5_000));
                in.pipeInput("a", "late", Instant.ofEpochMilli(BASE));
                List<TestRecord<String, String>> dead = driver.createOutputTopic(
                        "events-test-driver-DLQ", Schema.STRING).readRecordsToList();
                assertEquals(policy.equals("dead-letter") ? 1 : 0, dead.size(), policy);
                if (!dead.isEmpty()) {
                    assertEquals("late", dead.get(0).properties().get("tributary.error.kind"));
                }
                assertTrue(driver.createOutputTopic(driver.lateRecordsTopic("events"), Schema.STRING).isEmpty());
            }
        }
    }

    @Test
    void idleAdvanceClosesTheWindowsOfAQuietKeyGroup() {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("events", Schema.STRING).groupByKey()
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofSeconds(10))).emit(EmitStrategy.onWindowClose())
                .count().toStream().to("counts", Schema.INT64);
        Configuration config = Configuration.of(Map.of("windows.idle.advance", "5s"));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), config)) {
            TestInputTopic<String, String> in = driver.createInputTopic("events", Schema.STRING);
            TestOutputTopic<String, Long> counts = driver.createOutputTopic("counts", Schema.INT64);
            // The virtual wall clock starts at the epoch, and these records' times follow it.
            in.pipeInput("a", "v", Instant.ofEpochMilli(1_000));
            in.pipeInput("a", "v", Instant.ofEpochMilli(2_000));
            driver.advanceWallClockTime(Duration.ofSeconds(12));
            assertTrue(counts.isEmpty(), "stream time is 12 s - 5 s = 7 s: the window [0, 10 s) is open");
            driver.advanceWallClockTime(Duration.ofSeconds(4));
            TestRecord<String, Long> result = counts.readRecord();
            assertEquals(2L, result.value());
            assertEquals("0", result.properties().get(Windowed.START_PROPERTY));
            assertTrue(counts.isEmpty());
        }
    }

    @Test
    void reduceAndAggregatePerWindow() {
        StreamBuilder builder = new StreamBuilder();
        var windowed = builder.stream("amounts", Schema.INT64).groupByKey()
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofSeconds(10)));
        windowed.reduce(Long::sum).toStream().to("sums", Schema.INT64);
        windowed.aggregate(() -> "", (key, value, text) -> text + value, Materialized.<String, String>as("texts")
                .withValueSchema(Schema.STRING)).toStream().to("texts", Schema.STRING);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, Long> in = driver.createInputTopic("amounts", Schema.INT64);
            in.pipeInput("a", 1L, Instant.ofEpochMilli(BASE));
            in.pipeInput("a", 2L, Instant.ofEpochMilli(BASE + 5_000));
            in.pipeInput("a", 4L, Instant.ofEpochMilli(BASE + 10_000));
            assertEquals(List.of(1L, 3L, 4L), driver.createOutputTopic("sums", Schema.INT64).readValuesToList());
            assertEquals(List.of("1", "12", "4"), driver.createOutputTopic("texts", Schema.STRING).readValuesToList());
        }
    }

    /** Sessions per key from the records sorted by time: a gap over {@code gap} starts a new one. */
    private static Map<Window, long[]> sessions(List<long[]> events, long gap) {
        Map<String, List<Long>> times = new HashMap<>();
        for (long[] event : events) {
            times.computeIfAbsent("k" + event[0], k -> new ArrayList<>()).add(event[1]);
        }
        Map<Window, long[]> sessions = new HashMap<>();
        times.forEach((key, list) -> {
            list.sort(Long::compare);
            long start = list.get(0);
            long last = start;
            long count = 0;
            for (long time : list) {
                if (time - last > gap) {
                    sessions.put(new Window(key, start), new long[] {last + 1, count});
                    start = time;
                    count = 0;
                }
                last = time;
                count++;
            }
            sessions.put(new Window(key, start), new long[] {last + 1, count});
        });
        return sessions;
    }

    private static Topology sessionTopology(Duration gap, Duration grace, EmitStrategy emit) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("events", Schema.STRING).groupByKey()
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(gap, grace)).emit(emit).count()
                .toStream().to("sessions", Schema.INT64);
        return builder.build();
    }

    @Test
    void sessionsMatchAReferenceWithDisorderInsideTheGrace() {
        // Bursts per key with pauses longer than the gap between them, shuffled by up to 1 s.
        Random random = new Random(5);
        List<long[]> events = new ArrayList<>();
        long time = BASE;
        for (int i = 0; i < 20_000; i++) {
            time += random.nextInt(10) == 0 ? 2_000 : 20;
            events.add(new long[] {random.nextInt(50), time - random.nextInt(1_000)});
        }
        Map<Window, long[]> expected = sessions(events, 5_000);
        try (TopologyTestDriver driver = new TopologyTestDriver(sessionTopology(Duration.ofSeconds(5),
                Duration.ofSeconds(2), EmitStrategy.onWindowUpdate()))) {
            pipe(driver.createInputTopic("events", Schema.STRING), events);
            Map<Window, Long> latest = new HashMap<>();
            for (TestRecord<String, Long> record : driver.createOutputTopic("sessions", Schema.INT64)
                    .readRecordsToList()) {
                if (record.value() == null) {
                    assertTrue(latest.remove(windowOf(record)) != null, "a deletion follows the session's updates");
                } else {
                    latest.put(windowOf(record), record.value());
                }
            }
            Map<Window, Long> counts = new HashMap<>();
            expected.forEach((window, endAndCount) -> counts.put(window, endAndCount[1]));
            assertEquals(counts, latest);
        }
        try (TopologyTestDriver driver = new TopologyTestDriver(sessionTopology(Duration.ofSeconds(5),
                Duration.ofSeconds(2), EmitStrategy.onWindowClose()))) {
            pipe(driver.createInputTopic("events", Schema.STRING), events);
            List<TestRecord<String, Long>> finals = driver.createOutputTopic("sessions", Schema.INT64).readRecordsToList();
            Set<Window> once = new HashSet<>();
            for (TestRecord<String, Long> record : finals) {
                Window window = windowOf(record);
                assertTrue(once.add(window), "emitted twice: " + window);
                assertEquals(expected.get(window)[1], record.value(), "final count of " + window);
                assertEquals(expected.get(window)[0], Long.parseLong(record.properties().get(Windowed.END_PROPERTY)));
            }
            assertTrue(once.size() > expected.size() / 2, "most sessions closed: " + once.size() + " of " + expected.size());
        }
    }

    @Test
    void aRecordBetweenTwoSessionsMergesThemAndALateOneGoesToTheLateTopic() {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("events", Schema.STRING).groupByKey()
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .aggregate(() -> "", (key, value, text) -> text + value, (key, a, b) -> a + "+" + b,
                        Materialized.<String, String>as("texts").withValueSchema(Schema.STRING))
                .toStream().to("sessions", Schema.STRING);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, String> in = driver.createInputTopic("events", Schema.STRING);
            TestOutputTopic<String, String> out = driver.createOutputTopic("sessions", Schema.STRING);
            in.pipeInput("a", "x", Instant.ofEpochMilli(BASE));
            in.pipeInput("a", "z", Instant.ofEpochMilli(BASE + 18_000));
            in.pipeInput("a", "y", Instant.ofEpochMilli(BASE + 9_000));
            List<TestRecord<String, String>> records = out.readRecordsToList();
            assertEquals(java.util.Arrays.asList("x", "z", null, null, "x+zy"),
                    records.stream().map(TestRecord::value).toList());
            TestRecord<String, String> merged = records.get(4);
            assertEquals(Long.toString(BASE), merged.properties().get(Windowed.START_PROPERTY));
            assertEquals(Long.toString(BASE + 18_001), merged.properties().get(Windowed.END_PROPERTY));
            // Stream time 40 s: the session ending at 18 s closed at 38 s (end + gap + grace), and a record at
            // 19 s would only form a session closed at 39 s: it is late.
            in.pipeInput("a", "moves-time", Instant.ofEpochMilli(BASE + 40_000));
            in.pipeInput("a", "late", Instant.ofEpochMilli(BASE + 19_000));
            assertEquals(List.of("moves-time"), out.readValuesToList());
            assertEquals(List.of("late"), driver.createOutputTopic(driver.lateRecordsTopic("events"), Schema.STRING)
                    .readValuesToList());
        }
        assertThrows(TopologyException.class, () -> new StreamBuilder().stream("e", Schema.STRING).groupByKey()
                .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofSeconds(1)))
                .emit(EmitStrategy.onCommit()));
    }

    /** Keeps the largest value per key and 10 s window in a window store of the Processor API. */
    private static final class MaxPerWindow implements dev.tributary.dsl.processor.Processor<String, Long, String, Long> {
        private dev.tributary.dsl.state.WindowStore<String, Long> maxima;
        private dev.tributary.dsl.processor.ProcessorContext<String, Long> context;

        @Override
        public void init(dev.tributary.dsl.processor.ProcessorContext<String, Long> context) {
            this.context = context;
            this.maxima = context.getWindowStore("maxima");
        }

        @Override
        public void process(dev.tributary.dsl.processor.Record<String, Long> record) {
            long start = record.timestamp() - record.timestamp() % 10_000;
            Long max = maxima.fetch(record.key(), start);
            if (max == null || record.value() > max) {
                maxima.put(record.key(), record.value(), start);
                context.forward(record);
            }
        }
    }

    @Test
    void processorsKeepWindowStoresThatExpireByStreamTime() {
        StreamBuilder builder = new StreamBuilder();
        builder.addWindowStore(Materialized.<String, Long>as("maxima").withKeySchema(Schema.STRING)
                .withValueSchema(Schema.INT64), Duration.ofSeconds(10), Duration.ofSeconds(30));
        builder.stream("amounts", Schema.INT64).process(MaxPerWindow::new, "maxima")
                .to("maxima-out", dev.tributary.dsl.Produced.with(Schema.STRING, Schema.INT64));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, Long> in = driver.createInputTopic("amounts", Schema.INT64);
            in.pipeInput("a", 5L, Instant.ofEpochMilli(BASE + 1_000));
            in.pipeInput("a", 3L, Instant.ofEpochMilli(BASE + 2_000));
            in.pipeInput("a", 7L, Instant.ofEpochMilli(BASE + 12_000));
            in.pipeInput("b", 1L, Instant.ofEpochMilli(BASE + 13_000));
            dev.tributary.dsl.state.WindowStore<String, Long> maxima = driver.getWindowStore("maxima");
            assertEquals(List.of(dev.tributary.dsl.KeyValue.pair(BASE, 5L), dev.tributary.dsl.KeyValue.pair(BASE + 10_000, 7L)),
                    maxima.fetch("a", BASE, BASE + 20_000));
            assertEquals(List.of("a@" + BASE, "a@" + (BASE + 10_000), "b@" + (BASE + 10_000)),
                    maxima.fetchAll(0, Long.MAX_VALUE).stream().map(kv -> kv.key().key() + "@" + kv.key().start()).toList());
            assertEquals(List.of(5L, 7L, 1L), driver.createOutputTopic("maxima-out", Schema.INT64).readValuesToList());
            // Stream time 35 s: the window of BASE (kept 30 s from its start) is gone, the next one is not.
            in.pipeInput("b", 2L, Instant.ofEpochMilli(BASE + 35_000));
            assertEquals(null, maxima.fetch("a", BASE));
            assertEquals(7L, maxima.fetch("a", BASE + 10_000));
        }
    }

    @Test
    void aTimeWindowAggregationsStoreReadsAsAWindowStore() {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("events", Schema.STRING).groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5)))
                .count(Materialized.as("counts")).toStream().to("counts-out", Schema.INT64);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, String> in = driver.createInputTopic("events", Schema.STRING);
            in.pipeInput("a", "v", Instant.ofEpochMilli(BASE));
            in.pipeInput("a", "v", Instant.ofEpochMilli(BASE + 1));
            in.pipeInput("a", "v", Instant.ofEpochMilli(BASE + 10_000));
            dev.tributary.dsl.state.WindowStore<String, Long> counts = driver.getWindowStore("counts");
            assertEquals(2L, counts.fetch("a", BASE));
            assertEquals(1L, counts.fetch("a", BASE + 10_000));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> driver.getKeyValueStore("counts"));
            assertTrue(e.getMessage().contains("window store"), e.getMessage());
        }
    }

    @Test
    void invalidWindowsAreRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> TimeWindows.ofSizeAndGrace(Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> TimeWindows.ofSizeWithNoGrace(Duration.ofSeconds(1)).advanceBy(Duration.ofSeconds(2)));
        StreamBuilder builder = new StreamBuilder();
        var windowed = builder.stream("events", Schema.STRING).groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        TopologyException e = assertThrows(TopologyException.class,
                () -> windowed.count(Materialized.<String, Long>as("c").withRetention(Duration.ofSeconds(3))));
        assertTrue(e.getMessage().contains("retention"), e.getMessage());
    }
}
