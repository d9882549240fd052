package dev.tributary.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.plan.BranchNode;
import dev.tributary.dsl.plan.FilterNode;
import dev.tributary.dsl.plan.MergeNode;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.dsl.plan.ProcessNode;
import dev.tributary.dsl.plan.RepartitionNode;
import dev.tributary.dsl.plan.SinkNode;
import dev.tributary.dsl.plan.SourceNode;
import dev.tributary.dsl.plan.SplitNode;
import dev.tributary.dsl.state.Materialized;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;
import org.junit.jupiter.api.Test;

class TopologyBuildTest {

    @Test
    void generatedNamesAreStableAndFollowDeclarationOrder() {
        Topology first = sampleTopology();
        Topology second = sampleTopology();
        List<String> names = first.nodes().stream().map(PlanNode::name).toList();
        assertEquals(List.of("source-0", "filter-1", "map-values-2", "sink-3"), names);
        assertEquals(names, second.nodes().stream().map(PlanNode::name).toList());
        assertEquals(first.describe(), second.describe());
    }

    private static Topology sampleTopology() {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("in", Schema.STRING).filter((k, v) -> true).mapValues(String::length).to("out", Schema.INT32);
        return builder.build();
    }

    @Test
    void userNamesAreKeptAndShapesRecorded() {
        StreamBuilder builder = new StreamBuilder();
        Stream<String, String> in = builder.stream("persistent://public/default/a",
                Consumed.with(Schema.STRING).withName("clicks").withSubscriptionType(SubscriptionType.Failover));
        in.filterNot((k, v) -> v.isEmpty(), Named.as("drop-empty")).to("b", Produced.with(Schema.STRING, Schema.STRING).withName("out"));
        Topology topology = builder.build();

        SourceNode source = (SourceNode) topology.node("clicks");
        assertEquals(List.of("persistent://public/default/a"), source.topics());
        assertEquals(SubscriptionType.Failover, source.subscriptionType());
        FilterNode filter = (FilterNode) topology.node("drop-empty");
        assertTrue(filter.negate());
        assertEquals(List.of("clicks"), filter.parents());
        assertEquals(List.of("out"), topology.children("drop-empty"));
        SinkNode sink = (SinkNode) topology.node("out");
        assertEquals("b", sink.topic());
        assertEquals(ProducerBatching.KEY_BASED, sink.batching());
    }

    @Test
    void describeShowsEveryNodeWithItsEdges() {
        StreamBuilder builder = new StreamBuilder();
        Stream<String, String> in = builder.stream("lines", Schema.STRING);
        Map<String, Stream<String, String>> branches = in.split(Named.as("route"))
                .branch("errors", (k, v) -> v.startsWith("E"))
                .defaultBranch("rest");
        branches.get("errors").to("errors", Schema.STRING);
        branches.get("rest").merge(in.peek((k, v) -> { }, Named.as("look"))).to("all", Schema.STRING);
        String description = builder.build().describe();

        assertEquals(String.join("\n",
                "Topology (8 nodes)",
                "  source-0 [source] topics: [lines], key: STRING, value: STRING, subscription: Key_Shared, start: earliest",
                "    --> route",
                "    --> look",
                "  route [split] 1 predicates + default branch",
                "    --> route-errors",
                "    --> route-rest",
                "    <-- source-0",
                "  route-errors [branch] branch errors (#0)",
                "    --> sink-4",
                "    <-- route",
                "  route-rest [branch] branch rest (#1)",
                "    --> merge-6",
                "    <-- route",
                "  sink-4 [sink] topic: errors, key: STRING, value: STRING, batching: KEY_BASED",
                "    <-- route-errors",
                "  look [peek]",
                "    --> merge-6",
                "    <-- source-0",
                "  merge-6 [merge]",
                "    --> sink-7",
                "    <-- route-rest",
                "    <-- look",
                "  sink-7 [sink] topic: all, key: STRING, value: STRING, batching: KEY_BASED",
                "    <-- merge-6",
                ""), description);
    }

    @Test
    void splitCreatesOneNodePerBranchInOrder() {
        StreamBuilder builder = new StreamBuilder();
        Map<String, Stream<String, String>> branches = builder.stream("in", Schema.STRING).split()
                .branch("a", (k, v) -> true).branch("b", (k, v) -> false).noDefaultBranch();
        assertEquals(List.of("a", "b"), List.copyOf(branches.keySet()));
        Topology topology = builder.build();
        SplitNode split = (SplitNode) topology.node("split-1");
        assertEquals(2, split.predicates().size());
        assertEquals(1, ((BranchNode) topology.node("split-1-b")).index());
    }

    @Test
    void mergeRecordsBothParents() {
        StreamBuilder builder = new StreamBuilder();
        Stream<String, String> a = builder.stream("a", Schema.STRING);
        Stream<String, String> b = builder.stream("b", Schema.STRING);
        a.merge(b).to("c");
        MergeNode merge = (MergeNode) builder.build().node("merge-2");
        assertEquals(List.of("source-0", "source-1"), merge.parents());
    }

    @Test
    void sinkWithUnknownSchemaFailsAtBuildNamingTheNode() {
        StreamBuilder builder = new StreamBuilder();
        Stream<String, Integer> lengths = builder.stream("in", Schema.STRING).mapValues(String::length);
        TopologyException error = assertThrows(TopologyException.class, () -> lengths.to("out"));
        assertTrue(error.getMessage().contains("value schema is unknown after node 'map-values-1'"), error.getMessage());

        Stream<Integer, String> rekeyed = builder.stream("in2", Schema.STRING).selectKey((k, v) -> v.length());
        error = assertThrows(TopologyException.class, () -> rekeyed.to("out", Schema.STRING));
        assertTrue(error.getMessage().contains("key schema is unknown"), error.getMessage());
        // Giving the schemas explicitly works.
        rekeyed.to("out", Produced.with(Schema.INT32, Schema.STRING));
    }

    @Test
    void invalidNamesAndDuplicatesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Named.as("has space"));
        assertThrows(IllegalArgumentException.class, () -> Named.as("-leading-dash"));
        StreamBuilder builder = new StreamBuilder();
        Stream<String, String> in = builder.stream("in", Schema.STRING);
        in.filter((k, v) -> true, Named.as("f"));
        TopologyException error = assertThrows(TopologyException.class, () -> in.filter((k, v) -> true, Named.as("f")));
        assertTrue(error.getMessage().contains("'f' is used twice"));
    }

    @Test
    void aTopicReadTwiceOrNoSourceIsRefused() {
        StreamBuilder twice = new StreamBuilder();
        twice.stream("in", Schema.STRING);
        twice.stream("in", Schema.STRING);
        assertTrue(assertThrows(TopologyException.class, twice::build).getMessage().contains("read by two sources"));
        assertTrue(assertThrows(TopologyException.class, () -> new StreamBuilder().build()).getMessage()
                .contains("no source"));
    }

    @Test
    void optionObjectsAreImmutable() {
        Consumed<String, String> base = Consumed.with(Schema.STRING);
        Consumed<String, String> named = base.withName("x");
        StreamBuilder builder = new StreamBuilder();
        builder.stream("a", base);
        builder.stream("b", named);
        Topology topology = builder.build();
        assertEquals("source-0", topology.nodes().get(0).name());
        assertEquals("x", topology.nodes().get(1).name());
        assertThrows(IllegalArgumentException.class, () -> base.withSubscriptionType(SubscriptionType.Shared));
    }

    private static StreamBuilder withTotals() {
        StreamBuilder builder = new StreamBuilder();
        builder.addStateStore(Materialized.<String, Long>as("totals").withKeySchema(Schema.STRING)
                .withValueSchema(Schema.INT64));
        return builder;
    }

    private static <N extends PlanNode> N only(Topology topology, Class<N> type) {
        List<N> found = topology.nodes().stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), topology.describe());
        return found.get(0);
    }

    @Test
    void aProcessorWithStoresAfterAKeyChangeReadsThroughARepartitionTopic() {
        StreamBuilder builder = withTotals();
        builder.stream("in", Schema.STRING).selectKey((k, v) -> v, Named.as("by-value")).withKeySchema(Schema.STRING)
                .process(() -> record -> { }, Named.as("totals"), "totals");
        Topology topology = builder.build();
        RepartitionNode repartition = only(topology, RepartitionNode.class);
        assertEquals(List.of("by-value"), repartition.parents());
        assertEquals(List.of(repartition.name()), only(topology, ProcessNode.class).parents());
    }

    @Test
    void aProcessorWithoutStoresOrWithoutAKeyChangeIsNotRepartitioned() {
        StreamBuilder builder = withTotals();
        builder.stream("a", Schema.STRING).selectKey((k, v) -> v).process(() -> record -> { });
        builder.stream("b", Schema.STRING).process(() -> record -> { }, "totals");
        assertTrue(builder.build().nodes().stream().noneMatch(RepartitionNode.class::isInstance));
    }

    @Test
    void aProcessorWithStoresAfterAKeyTypeChangeNeedsTheKeySchema() {
        StreamBuilder builder = withTotals();
        Stream<Integer, String> rekeyed = builder.stream("in", Schema.STRING).map((k, v) -> KeyValue.pair(v.length(), v));
        TopologyException e = assertThrows(TopologyException.class,
                () -> rekeyed.process(() -> record -> { }, Named.as("totals"), "totals"));
        assertTrue(e.getMessage().contains("process node 'totals'") && e.getMessage().contains("withKeySchema"),
                e.getMessage());
        rekeyed.withKeySchema(Schema.INT32).withValueSchema(Schema.STRING).process(() -> record -> { }, "totals");
    }
}
