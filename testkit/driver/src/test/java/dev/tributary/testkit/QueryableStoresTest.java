package dev.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.SessionWindows;
import dev.tributary.dsl.SlidingWindows;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.TimeWindows;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.state.KeyValueIterator;
import dev.tributary.dsl.state.Materialized;
import dev.tributary.dsl.state.ReadOnlyKeyValueStore;
import dev.tributary.dsl.state.ReadOnlySessionStore;
import dev.tributary.dsl.state.ReadOnlyWindowStore;
import dev.tributary.runtime.query.QueryableStoreTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

/** The read-only views queries get, on each kind of store the DSL writes, through the test driver. */
class QueryableStoresTest {
    private static final long BASE = 1_700_000_000_000L;

    private static TopologyTestDriver driver() {
        StreamBuilder builder = new StreamBuilder();
        var grouped = builder.stream("events", Schema.STRING).groupByKey();
        grouped.count(Materialized.as("counts"));
        grouped.windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofHours(1)))
                .count(Materialized.as("minutes"));
        grouped.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(10), Duration.ofHours(1)))
                .count(Materialized.as("sliding"));
        grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofSeconds(30), Duration.ofHours(1)))
                .count(Materialized.as("sessions"));
        return new TopologyTestDriver(builder.build());
    }

    private static void pipe(TestInputTopic<String, String> input, String key, long offsetMillis) {
        input.pipeInput(key, "x", Instant.ofEpochMilli(BASE + offsetMillis));
    }

    @Test
    void keyValueViewsReadWhatWasCommitted() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, String> input = driver.createInputTopic("events", Schema.STRING, Schema.STRING);
            for (int i = 0; i < 30; i++) {
                pipe(input, "k" + (i % 6), i * 1_000L);
            }
            ReadOnlyKeyValueStore<String, Long> counts = driver.store("counts", QueryableStoreTypes.keyValue());
            assertEquals(5L, counts.get("k3"));
            assertNull(counts.get("absent"));
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, Long> range = counts.range("k1", "k3")) {
                range.forEachRemaining(entry -> keys.add(entry.key()));
            }
            assertEquals(List.of("k1", "k2", "k3"), keys);
            long total = 0;
            try (KeyValueIterator<String, Long> all = counts.all()) {
                while (all.hasNext()) {
                    total += all.next().value();
                }
            }
            assertEquals(30, total);
            assertTrue(counts.approximateNumEntries() >= 6);
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> driver.store("counts", QueryableStoreTypes.window()));
            assertTrue(wrong.getMessage().contains("'counts' is a key-value store"), wrong.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> driver.store("nope", QueryableStoreTypes.keyValue()));
            assertTrue(missing.getMessage().contains("counts (key-value store)"), missing.getMessage());
        }
    }

    @Test
    void windowViewsReadFixedAndSlidingWindows() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, String> input = driver.createInputTopic("events", Schema.STRING, Schema.STRING);
            long minute = 60_000;
            long firstMinute = (BASE / minute) * minute;
            pipe(input, "a", 0);
            pipe(input, "a", 1_000);
            pipe(input, "a", minute + 1_000);
            pipe(input, "b", 2_000);
            ReadOnlyWindowStore<String, Long> minutes = driver.store("minutes", QueryableStoreTypes.window());
            List<KeyValue<Long, Long>> ofA = minutes.fetch("a", 0, Long.MAX_VALUE);
            long total = ofA.stream().mapToLong(KeyValue::value).sum();
            assertEquals(3, total);
            assertEquals(firstMinute, ofA.get(0).key() - (ofA.get(0).key() - firstMinute) % minute);
            assertEquals(ofA.get(0).value(), minutes.fetch("a", ofA.get(0).key()));
            List<KeyValue<Windowed<String>, Long>> all = minutes.fetchAll(0, Long.MAX_VALUE);
            assertEquals(4, all.stream().mapToLong(KeyValue::value).sum());
            assertEquals(minute, all.get(0).key().end() - all.get(0).key().start());

            ReadOnlyWindowStore<String, Long> sliding = driver.store("sliding", QueryableStoreTypes.window());
            List<KeyValue<Long, Long>> windows = sliding.fetch("a", 0, Long.MAX_VALUE);
            assertTrue(!windows.isEmpty(), "sliding windows of a");
            for (KeyValue<Windowed<String>, Long> window : sliding.fetchAll(0, Long.MAX_VALUE)) {
                assertEquals(10_001, window.key().end() - window.key().start(), "a sliding window spans its difference");
            }
            // The window holding a's first two records: the one that ends at the second.
            assertEquals(2L, sliding.fetch("a", BASE + 1_000 - 10_000));
        }
    }

    @Test
    void sessionViewsReadSessions() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, String> input = driver.createInputTopic("events", Schema.STRING, Schema.STRING);
            pipe(input, "s", 0);
            pipe(input, "s", 10_000);
            pipe(input, "s", 100_000);
            ReadOnlySessionStore<String, Long> sessions = driver.store("sessions", QueryableStoreTypes.session());
            List<KeyValue<Windowed<String>, Long>> found = sessions.fetch("s");
            assertEquals(2, found.size(), found.toString());
            assertEquals(new Windowed<>("s", BASE, BASE + 10_001), found.get(0).key());
            assertEquals(2L, found.get(0).value());
            assertEquals(1L, found.get(1).value());
            assertEquals(1, sessions.findSessions("s", BASE + 50_000, Long.MAX_VALUE).size());
            assertEquals(1, sessions.findSessions("s", 0, BASE + 50_000).size());
        }
    }
}
