package dev.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Grouped;
import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.processor.Processor;
import dev.tributary.dsl.processor.ProcessorContext;
import dev.tributary.dsl.processor.PunctuationType;
import dev.tributary.dsl.processor.Record;
import dev.tributary.dsl.state.KeyValueStore;
import dev.tributary.dsl.state.Materialized;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class StatefulOperatorsTest {

    @Test
    void countReduceAndAggregatePerKey() {
        StreamBuilder builder = new StreamBuilder();
        var grouped = builder.stream("amounts", Schema.INT64).groupByKey();
        grouped.count(Materialized.as("counts")).toStream().to("counts-out", Schema.INT64);
        grouped.reduce(Long::sum, Materialized.as("sums")).toStream().to("sums-out", Schema.INT64);
        grouped.aggregate(() -> "", (k, v, acc) -> acc + v + ";", Materialized.<String, String>as("joined")
                .withValueSchema(Schema.STRING)).toStream().to("joined-out", Schema.STRING);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, Long> in = driver.createInputTopic("amounts", Schema.INT64);
            in.pipeInput("a", 5L);
            in.pipeInput("b", 1L);
            in.pipeInput("a", 7L);
            assertEquals(List.of(KeyValue.pair("a", 1L), KeyValue.pair("b", 1L), KeyValue.pair("a", 2L)),
                    driver.createOutputTopic("counts-out", Schema.INT64).readKeyValuesToList());
            assertEquals(List.of(5L, 1L, 12L), driver.createOutputTopic("sums-out", Schema.INT64).readValuesToList());
            assertEquals("5;7;", driver.<String, String>getKeyValueStore("joined").get("a"));
            assertEquals(2L, driver.<String, Long>getKeyValueStore("counts").get("a"));
        }
    }

    @Test
    void wordCountGroupsByANewKeyThroughTheRepartitionTopic() {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("lines", Schema.STRING)
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split("\\W+")))
                .filter((k, word) -> !word.isEmpty())
                .groupBy((k, word) -> word, Grouped.with(Schema.STRING, Schema.STRING).withName("by-word"))
                .count(Materialized.as("word-counts"))
                .toStream().to("counts", Produced.with(Schema.STRING, Schema.INT64));
        var topology = builder.build();
        assertTrue(topology.describe().contains("by-word [repartition]"), topology.describe());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology)) {
            TestInputTopic<String, String> lines = driver.createInputTopic("lines", Schema.STRING);
            lines.pipeInput("l1", "the cat and the hat");
            lines.pipeInput("l2", "The end");
            Map<String, Long> latest = new HashMap<>();
            driver.createOutputTopic("counts", Schema.STRING, Schema.INT64).readKeyValuesToList()
                    .forEach(kv -> latest.put(kv.key(), kv.value()));
            assertEquals(Map.of("the", 3L, "cat", 1L, "and", 1L, "hat", 1L, "end", 1L), latest);
            assertEquals(3L, driver.<String, Long>getKeyValueStore("word-counts").get("the"));
        }
    }

    @Test
    void groupByKeyAfterAKeyChangeRepartitionsByItself() {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("in", Schema.STRING).selectKey((k, v) -> v).groupByKey(Grouped.with(Schema.STRING, Schema.STRING))
                .count().toStream().to("out", Produced.with(Schema.STRING, Schema.INT64));
        assertTrue(builder.build().describe().contains("[repartition]"));
    }

    @Test
    void tablesFromTopicsFilterMapAndDelete() {
        StreamBuilder builder = new StreamBuilder();
        Table<String, Long> prices = builder.table("prices", dev.tributary.dsl.Consumed.with(Schema.INT64),
                Materialized.as("prices"));
        prices.filter((item, price) -> price >= 10).mapValues(price -> "$" + price).toStream()
                .to("expensive", Schema.STRING);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, Long> in = driver.createInputTopic("prices", Schema.INT64);
            in.pipeInput("apple", 3L);
            in.pipeInput("melon", 12L);
            in.pipeInput("melon", 8L);
            in.pipeInput("apple", 15L);
            in.pipeInput("apple", null);
            List<KeyValue<String, String>> out = driver.createOutputTopic("expensive", Schema.STRING).readKeyValuesToList();
            assertEquals(List.of(KeyValue.pair("apple", null), KeyValue.pair("melon", "$12"), KeyValue.pair("melon", null),
                    KeyValue.pair("apple", "$15"), KeyValue.pair("apple", null)), out);
            KeyValueStore<String, Long> store = driver.getKeyValueStore("prices");
            assertNull(store.get("apple"));
            assertEquals(8L, store.get("melon"));
        }
    }

    /** Sums values per key in a store and emits every total on stream time and on the wall clock. */
    static final class Totals implements Processor<String, Long, String, String> {
        private ProcessorContext<String, String> context;
        private KeyValueStore<String, Long> totals;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            this.totals = context.getStateStore("totals");
            context.schedule(Duration.ofSeconds(10), PunctuationType.STREAM_TIME, time -> emitAll("stream@" + time));
            context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, time -> emitAll("wall@" + time));
        }

        private void emitAll(String tag) {
            try (var all = totals.all()) {
                all.forEachRemaining(kv -> context.forward(new Record<>(kv.key(), tag + ":" + kv.value(), 0L)));
            }
        }

        @Override
        public void process(Record<String, Long> record) {
            Long total = totals.get(record.key());
            totals.put(record.key(), (total == null ? 0 : total) + record.value());
        }
    }

    @Test
    void processorsUseStoresAndPunctuateOnStreamTimeAndWallClockTime() {
        StreamBuilder builder = new StreamBuilder();
        builder.addStateStore(Materialized.<String, Long>as("totals").withKeySchema(Schema.STRING)
                .withValueSchema(Schema.INT64));
        builder.stream("in", Schema.INT64).process(Totals::new, "totals")
                .to("out", Produced.with(Schema.STRING, Schema.STRING));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, Long> in = driver.createInputTopic("in", Schema.STRING, Schema.INT64,
                    Instant.ofEpochMilli(0), Duration.ofSeconds(4));
            TestOutputTopic<String, String> out = driver.createOutputTopic("out", Schema.STRING);
            in.pipeInput("a", 1L);   // t=0: starts the stream-time schedule, next at 10s
            in.pipeInput("b", 2L);   // t=4s
            in.pipeInput("a", 3L);   // t=8s
            assertTrue(out.isEmpty());
            in.pipeInput("a", 4L);   // t=12s: stream time passes 10s
            assertEquals(List.of("stream@12000:8", "stream@12000:2"), out.readValuesToList());
            driver.advanceWallClockTime(Duration.ofSeconds(59));
            assertTrue(out.isEmpty());
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertEquals(List.of("wall@60000:8", "wall@60000:2"), out.readValuesToList());
        }
    }

    @Test
    void aProcessorMayOnlyUseTheStoresItNames() {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("in", Schema.INT64).process(Totals::new).to("out", Produced.with(Schema.STRING, Schema.STRING));
        builder.addStateStore(Materialized.<String, Long>as("totals").withKeySchema(Schema.STRING)
                .withValueSchema(Schema.INT64));
        RuntimeException error = assertThrows(RuntimeException.class, () -> new TopologyTestDriver(builder.build()));
        assertTrue(String.valueOf(error.getMessage()).contains("not connected to store 'totals'"), error.getMessage());

        StreamBuilder missing = new StreamBuilder();
        missing.stream("in", Schema.INT64).process(Totals::new, "nope");
        assertTrue(assertThrows(TopologyException.class, missing::build).getMessage().contains("uses store 'nope'"));
    }

    @Test
    void aggregationsNeedTheirValueSchema() {
        StreamBuilder builder = new StreamBuilder();
        var grouped = builder.stream("in", Schema.STRING).groupByKey();
        TopologyException error = assertThrows(TopologyException.class,
                () -> grouped.aggregate(ArrayList::new, (k, v, list) -> list, Materialized.as("lists")));
        assertTrue(error.getMessage().contains("needs the aggregate's value schema"), error.getMessage());
    }

    @Test
    void aggregatesAreExactOverAHundredThousandRecordsAndTenThousandKeys() {
        StreamBuilder builder = new StreamBuilder();
        var grouped = builder.stream("in", Schema.INT64).groupByKey();
        grouped.count(Materialized.as("n"));
        grouped.reduce(Long::sum, Materialized.as("sum"));
        grouped.aggregate(() -> Long.MIN_VALUE, (k, v, max) -> Math.max(v, max),
                Materialized.<String, Long>as("max").withValueSchema(Schema.INT64));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, Long> in = driver.createInputTopic("in", Schema.INT64);
            for (int i = 0; i < 100_000; i++) {
                in.pipeInput("k" + (i % 10_000), (long) i);
            }
            KeyValueStore<String, Long> n = driver.getKeyValueStore("n");
            KeyValueStore<String, Long> sum = driver.getKeyValueStore("sum");
            KeyValueStore<String, Long> max = driver.getKeyValueStore("max");
            assertEquals(10_000, n.approximateNumEntries());
            for (int k = 0; k < 10_000; k++) {
                long expectedSum = 0;
                for (int i = k; i < 100_000; i += 10_000) {
                    expectedSum += i;
                }
                assertEquals(10L, n.get("k" + k));
                assertEquals(expectedSum, sum.get("k" + k));
                assertEquals(90_000L + k, max.get("k" + k));
            }
        }
    }

    @Test
    void tablesEmitEveryUpdateWhenConfiguredOrUncached() {
        StreamBuilder cached = new StreamBuilder();
        cached.stream("in", Schema.STRING).flatMapValues(v -> List.of(v, v)).groupByKey(Grouped.with(Schema.STRING, Schema.STRING))
                .count().toStream().to("out", Produced.with(Schema.STRING, Schema.INT64));
        try (TopologyTestDriver driver = new TopologyTestDriver(cached.build())) {
            driver.createInputTopic("in", Schema.STRING).pipeInput("k", "x");
            assertEquals(List.of(2L), driver.createOutputTopic("out", Schema.INT64).readValuesToList(),
                    "on commit: one update per key");
        }
        try (TopologyTestDriver driver = new TopologyTestDriver(cached.build(),
                dev.tributary.dsl.config.Configuration.empty().with("table.emit", "on-update"))) {
            driver.createInputTopic("in", Schema.STRING).pipeInput("k", "x");
            assertEquals(List.of(1L, 2L), driver.createOutputTopic("out", Schema.INT64).readValuesToList());
        }
        StreamBuilder uncached = new StreamBuilder();
        uncached.stream("in", Schema.STRING).flatMapValues(v -> List.of(v, v)).groupByKey(Grouped.with(Schema.STRING, Schema.STRING))
                .count(Materialized.<String, Long>as("c").withCachingDisabled())
                .toStream().to("out", Produced.with(Schema.STRING, Schema.INT64));
        try (TopologyTestDriver driver = new TopologyTestDriver(uncached.build())) {
            driver.createInputTopic("in", Schema.STRING).pipeInput("k", "x");
            assertEquals(List.of(1L, 2L), driver.createOutputTopic("out", Schema.INT64).readValuesToList());
        }
    }
}
