package dev.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Consumed;
import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.Named;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Stream;
import dev.tributary.runtime.internal.core.InvalidTimestampException;
import dev.tributary.runtime.internal.core.ProcessingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class OperatorsTest {

    /** Builds in -> (operators) -> out with string keys and values, and returns a driver for it. */
    private static TopologyTestDriver driver(Consumer<StreamBuilder> topology) {
        StreamBuilder builder = new StreamBuilder();
        topology.accept(builder);
        return new TopologyTestDriver(builder.build());
    }

    private static List<KeyValue<String, String>> run(TopologyTestDriver driver, List<KeyValue<String, String>> input) {
        driver.createInputTopic("in", Schema.STRING).pipeKeyValueList(input);
        return driver.createOutputTopic("out", Schema.STRING).readKeyValuesToList();
    }

    private static final List<KeyValue<String, String>> INPUT = List.of(
            KeyValue.pair("a", "apple"), KeyValue.pair("b", "banana"), KeyValue.pair("c", ""), KeyValue.pair("a", "avocado"));

    /** Values "time|text" carry their time; values without one keep the message's time. */
    private static long timeInValue(String key, String value, long messageTime) {
        int bar = value.indexOf('|');
        return bar < 0 ? messageTime : Long.parseLong(value.substring(0, bar));
    }

    @Test
    void aTimestampExtractorGivesRecordsTheTimeOfTheirPayloadAndFallsBackToTheMessagesTime() {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("in", Consumed.with(Schema.STRING).withTimestampExtractor(OperatorsTest::timeInValue))
                .mapValues(v -> v.toUpperCase()).to("out", Produced.with(Schema.STRING, Schema.STRING));
        try (TopologyTestDriver d = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, String> in = d.createInputTopic("in", Schema.STRING);
            in.pipeInput("a", "1700000000000|one", Instant.ofEpochMilli(5));
            in.pipeInput("b", "no time here", Instant.ofEpochMilli(42));
            List<TestRecord<String, String>> out = d.createOutputTopic("out", Schema.STRING).readRecordsToList();
            assertEquals(List.of(Instant.ofEpochMilli(1_700_000_000_000L), Instant.ofEpochMilli(42)),
                    out.stream().map(TestRecord::timestamp).toList());
        }
    }

    @Test
    void aTimestampExtractorThatFailsOrGivesANegativeTimeMakesTheRecordInvalidNamingTheSource() {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("in", Consumed.with(Schema.STRING).withName("clicks")
                .withTimestampExtractor(OperatorsTest::timeInValue)).to("out");
        try (TopologyTestDriver d = new TopologyTestDriver(builder.build())) {
            TestInputTopic<String, String> in = d.createInputTopic("in", Schema.STRING);
            InvalidTimestampException negative = assertThrows(InvalidTimestampException.class,
                    () -> in.pipeInput("a", "-5|back in time"));
            assertTrue(negative.getMessage().contains("source 'clicks'") && negative.getMessage().contains("-5"),
                    negative.getMessage());
            InvalidTimestampException failing = assertThrows(InvalidTimestampException.class,
                    () -> in.pipeInput("b", "soon|text"));
            assertTrue(failing.getMessage().contains("NumberFormatException"), failing.getMessage());
            assertTrue(d.createOutputTopic("out", Schema.STRING).isEmpty(), "no record with a made-up time");
        }
    }

    @Test
    void theDriverKeepsWhatASinkConnectorWouldBeAskedToWriteAndIgnoresSourceConnectors() {
        StreamBuilder builder = new StreamBuilder();
        builder.addSource("ingest", null, "elsewhere", Schema.STRING);
        builder.stream("in", Schema.STRING).mapValues(v -> v.toUpperCase()).sink("db");
        try (TopologyTestDriver d = new TopologyTestDriver(builder.build())) {
            d.createInputTopic("in", Schema.STRING).pipeKeyValueList(INPUT);
            List<TestRecord<String, String>> written = d.sinkRecords("db");
            assertEquals(List.of("a", "b", "c", "a"), written.stream().map(TestRecord::key).toList());
            assertEquals(List.of("APPLE", "BANANA", "", "AVOCADO"), written.stream().map(TestRecord::value).toList());
            assertTrue(d.sinkRecords("nothing").isEmpty());
        }
    }

    @Test
    void filterKeepsMatchesAndFilterNotDropsThem() {
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING).filter((k, v) -> v.startsWith("a")).to("out"))) {
            assertEquals(List.of(KeyValue.pair("a", "apple"), KeyValue.pair("a", "avocado")), run(d, INPUT));
        }
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING).filterNot((k, v) -> v.isEmpty()).to("out"))) {
            assertEquals(3, run(d, INPUT).size());
        }
    }

    @Test
    void mapChangesKeyAndValue() {
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING)
                .map((k, v) -> KeyValue.pair(v.isEmpty() ? "empty" : v.substring(0, 1).toUpperCase(), k + "=" + v))
                .to("out", Produced.with(Schema.STRING, Schema.STRING)))) {
            assertEquals(List.of(KeyValue.pair("A", "a=apple"), KeyValue.pair("B", "b=banana"), KeyValue.pair("empty", "c="),
                    KeyValue.pair("A", "a=avocado")), run(d, INPUT));
        }
    }

    @Test
    void mapValuesWithAndWithoutKey() {
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING).mapValues(v -> v.length())
                .mapValuesWithKey((k, n) -> k + ":" + n).to("out", Schema.STRING))) {
            assertEquals(List.of(KeyValue.pair("a", "a:5"), KeyValue.pair("b", "b:6"), KeyValue.pair("c", "c:0"),
                    KeyValue.pair("a", "a:7")), run(d, INPUT));
        }
    }

    @Test
    void flatMapAndFlatMapValuesEmitZeroOrMore() {
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING)
                .flatMapValues(v -> v.isEmpty() ? List.<String>of() : List.of(v, v.toUpperCase())).to("out", Schema.STRING))) {
            assertEquals(List.of(KeyValue.pair("a", "apple"), KeyValue.pair("a", "APPLE"), KeyValue.pair("b", "banana"),
                    KeyValue.pair("b", "BANANA"), KeyValue.pair("a", "avocado"), KeyValue.pair("a", "AVOCADO")), run(d, INPUT));
        }
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING)
                .flatMap((k, v) -> {
                    List<KeyValue<String, String>> letters = new ArrayList<>();
                    for (String letter : v.split("")) {
                        if (!letter.isEmpty()) {
                            letters.add(KeyValue.pair(letter, k));
                        }
                    }
                    return letters;
                })
                .to("out", Produced.with(Schema.STRING, Schema.STRING)))) {
            assertEquals(List.of(KeyValue.pair("b", "b"), KeyValue.pair("a", "b"), KeyValue.pair("n", "b"),
                    KeyValue.pair("a", "b"), KeyValue.pair("n", "b"), KeyValue.pair("a", "b")),
                    run(d, List.of(KeyValue.pair("b", "banana"))));
        }
    }

    @Test
    void selectKeyKeepsTheValue() {
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING).selectKey((k, v) -> v.length())
                .to("out", Produced.with(Schema.INT32, Schema.STRING)))) {
            d.createInputTopic("in", Schema.STRING).pipeInput("x", "four");
            assertEquals(KeyValue.pair(4, "four"), d.createOutputTopic("out", Schema.INT32, Schema.STRING).readKeyValue());
        }
    }

    @Test
    void peekAndForeachSeeEveryRecord() {
        List<String> peeked = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try (TopologyTestDriver d = driver(b -> {
            Stream<String, String> peekedStream = b.stream("in", Schema.STRING).peek((k, v) -> peeked.add(k));
            peekedStream.foreach((k, v) -> seen.add(v));
            peekedStream.to("out");
        })) {
            assertEquals(INPUT, run(d, INPUT));
        }
        assertEquals(List.of("a", "b", "c", "a"), peeked);
        assertEquals(List.of("apple", "banana", "", "avocado"), seen);
    }

    @Test
    void splitSendsEachRecordToItsFirstMatchingBranch() {
        try (TopologyTestDriver d = driver(b -> {
            Map<String, Stream<String, String>> branches = b.stream("in", Schema.STRING).split(Named.as("by-letter"))
                    .branch("a", (k, v) -> v.startsWith("a"))
                    .branch("long", (k, v) -> v.length() > 3)
                    .defaultBranch("other");
            branches.get("a").to("a-topic");
            branches.get("long").to("long-topic");
            branches.get("other").to("other-topic");
        })) {
            d.createInputTopic("in", Schema.STRING).pipeKeyValueList(INPUT);
            assertEquals(List.of("apple", "avocado"), d.createOutputTopic("a-topic", Schema.STRING).readValuesToList());
            assertEquals(List.of("banana"), d.createOutputTopic("long-topic", Schema.STRING).readValuesToList());
            assertEquals(List.of(""), d.createOutputTopic("other-topic", Schema.STRING).readValuesToList());
        }
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING).split()
                .branch("b", (k, v) -> v.startsWith("b")).noDefaultBranch().get("b").to("out"))) {
            assertEquals(List.of(KeyValue.pair("b", "banana")), run(d, INPUT));
        }
    }

    @Test
    void mergeInterleavesTwoStreamsInArrivalOrder() {
        try (TopologyTestDriver d = driver(b -> b.stream("left", Schema.STRING)
                .merge(b.stream("right", Schema.STRING)).to("out"))) {
            TestInputTopic<String, String> left = d.createInputTopic("left", Schema.STRING);
            TestInputTopic<String, String> right = d.createInputTopic("right", Schema.STRING);
            left.pipeInput("k", "l1");
            right.pipeInput("k", "r1");
            left.pipeInput("k", "l2");
            assertEquals(List.of("l1", "r1", "l2"), d.createOutputTopic("out", Schema.STRING).readValuesToList());
        }
    }

    @Test
    void topicChosenPerRecord() {
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING)
                .to((k, v) -> "by-key-" + k, Produced.with(Schema.STRING, Schema.STRING)))) {
            d.createInputTopic("in", Schema.STRING).pipeKeyValueList(INPUT);
            assertEquals(List.of("apple", "avocado"), d.createOutputTopic("by-key-a", Schema.STRING).readValuesToList());
            assertEquals(List.of("banana"), d.createOutputTopic("persistent://public/default/by-key-b", Schema.STRING)
                    .readValuesToList());
            assertEquals(3, d.producedTopicNames().size());
        }
    }

    @Test
    void timestampsAndPropertiesPassThrough() {
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING).mapValues(v -> v + "!").to("out", Schema.STRING))) {
            TestInputTopic<String, String> in = d.createInputTopic("in", Schema.STRING, Schema.STRING,
                    Instant.parse("2026-01-01T00:00:00Z"), Duration.ofSeconds(1));
            in.pipeInput("k", "one");
            in.pipeInput(new TestRecord<>("k", "two", Instant.parse("2026-06-01T00:00:00Z"), Map.of("trace", "t-1")));
            in.pipeInput("k", "three");
            List<TestRecord<String, String>> out = d.createOutputTopic("out", Schema.STRING).readRecordsToList();
            assertEquals(Instant.parse("2026-01-01T00:00:00Z"), out.get(0).timestamp());
            assertEquals(Map.of("trace", "t-1"), out.get(1).properties());
            assertEquals(Instant.parse("2026-06-01T00:00:00Z"), out.get(1).timestamp());
            assertEquals(Instant.parse("2026-01-01T00:00:01Z"), out.get(2).timestamp());
        }
    }

    public static final class Click {
        public String user;
        public String page;
        public long durationMs;

        public Click() {
        }

        Click(String user, String page, long durationMs) {
            this.user = user;
            this.page = page;
            this.durationMs = durationMs;
        }
    }

    public static final class PageView {
        public String page;
        public boolean engaged;

        public PageView() {
        }
    }

    @Test
    void jsonAndAvroValuesRoundTripThroughTheirSchemas() {
        try (TopologyTestDriver d = driver(b -> b.stream("clicks", Schema.JSON(Click.class))
                .filter((user, click) -> !click.page.isEmpty())
                .mapValues(click -> {
                    PageView view = new PageView();
                    view.page = click.page;
                    view.engaged = click.durationMs > 1000;
                    return view;
                })
                .to("views", Schema.AVRO(PageView.class)))) {
            TestInputTopic<String, Click> in = d.createInputTopic("clicks", Schema.JSON(Click.class));
            in.pipeInput("u1", new Click("u1", "/home", 3000));
            in.pipeInput("u2", new Click("u2", "", 10));
            in.pipeInput("u2", new Click("u2", "/cart", 200));
            List<KeyValue<String, PageView>> views = d.createOutputTopic("views", Schema.AVRO(PageView.class))
                    .readKeyValuesToList();
            assertEquals(2, views.size());
            assertEquals("u1", views.get(0).key());
            assertEquals("/home", views.get(0).value().page);
            assertTrue(views.get(0).value().engaged);
            assertEquals("/cart", views.get(1).value().page);
        }
    }

    @Test
    void aFailingOperatorIsNamedInTheError() {
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING)
                .mapValues(v -> Integer.parseInt(v), Named.as("parse")).to("out", Schema.INT32))) {
            TestInputTopic<String, String> in = d.createInputTopic("in", Schema.STRING);
            ProcessingException error = assertThrows(ProcessingException.class, () -> in.pipeInput("k", "x"));
            assertEquals("parse", error.node());
            assertTrue(error.getMessage().contains("NumberFormatException"), error.getMessage());
        }
    }

    @Test
    void anInputTopicNoSourceReadsIsRefused() {
        try (TopologyTestDriver d = driver(b -> b.stream("in", Schema.STRING).to("out"))) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> d.createInputTopic("typo", Schema.STRING));
            assertTrue(error.getMessage().contains("persistent://public/default/typo"), error.getMessage());
            assertTrue(error.getMessage().contains("persistent://public/default/in"), error.getMessage());
        }
    }
}
