package dev.tributary.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Grouped;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.state.Materialized;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class TopologyDiagramTest {
    /** A word count: read, split, re-key through a repartition topic, count into a logged store, write. */
    private static Topology wordCount() {
        StreamBuilder builder = new StreamBuilder();
        builder.stream("lines", Schema.STRING)
                .flatMapValues(line -> Arrays.asList(line.split(" ")))
                .groupBy((key, word) -> word, Grouped.with(Schema.STRING, Schema.STRING))
                .count(Materialized.as("word-counts"))
                .toStream()
                .to("persistent://acme/shop/word-counts", Schema.INT64);
        return builder.build();
    }

    @Test
    void dotNamesEveryNodeTopicAndStoreWithTheirShapes() {
        Topology topology = wordCount();
        String dot = TopologyDiagram.dot(topology);
        assertTrue(dot.startsWith("digraph topology {"), dot);
        topology.nodes().forEach(node -> assertTrue(dot.contains("\"node:" + node.name() + "\" [label=\""
                + node.name() + "\\n" + node.kind() + "\""), node.name() + " in " + dot));
        assertTrue(dot.contains("\"topic:lines\" [label=\"lines\\ntopic\", shape=\"cds\", fillcolor=\"#dbeafe\""), dot);
        assertTrue(dot.contains("\"topic:persistent://acme/shop/word-counts\" [label=\"word-counts\\nacme/shop\","
                + " shape=\"cds\", fillcolor=\"#dcfce7\""), dot);
        assertTrue(dot.contains("\"store:word-counts\" [label=\"word-counts\\n"), dot);
        assertTrue(dot.contains("shape=\"cylinder\""), dot);
        assertTrue(dot.contains("\"changelog:word-counts\""), "the logged store's changelog: " + dot);
        assertTrue(dot.contains("-repartition\\nrepartition topic\""), dot);
        assertTrue(dot.contains(" -> \"store:word-counts\" [style=dashed, arrowhead=none];"), dot);
        assertTrue(dot.trim().endsWith("}"), dot);
    }

    @Test
    void svgIsWellFormedWithEveryNodeDrawnInsideItsBoundsAndNoTwoBoxesOverlapping() throws Exception {
        Topology topology = wordCount();
        String svg = TopologyDiagram.svg(topology);
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        Element root = document.getDocumentElement();
        assertEquals("svg", root.getTagName());
        double width = Double.parseDouble(root.getAttribute("width"));
        double height = Double.parseDouble(root.getAttribute("height"));
        NodeList groups = document.getElementsByTagName("g");
        Set<String> drawn = new HashSet<>();
        Set<String> classes = new HashSet<>();
        List<double[]> rects = new ArrayList<>();
        for (int i = 0; i < groups.getLength(); i++) {
            Element group = (Element) groups.item(i);
            classes.add(group.getAttribute("class"));
            if (!group.getAttribute("data-node").isEmpty()) {
                drawn.add(group.getAttribute("data-node"));
                Element rect = (Element) group.getElementsByTagName("rect").item(0);
                double x = Double.parseDouble(rect.getAttribute("x"));
                double y = Double.parseDouble(rect.getAttribute("y"));
                double w = Double.parseDouble(rect.getAttribute("width"));
                double h = Double.parseDouble(rect.getAttribute("height"));
                assertTrue(x >= 0 && y >= 0 && x + w <= width && y + h <= height, "inside the picture: " + svg);
                rects.add(new double[] {x, y, w, h});
            }
        }
        Set<String> expected = new HashSet<>();
        topology.nodes().forEach(node -> expected.add(node.name()));
        assertEquals(expected, drawn, "every processing node drawn once");
        assertTrue(classes.containsAll(Set.of("node", "topic input", "topic output", "topic internal", "store")),
                "sources, sinks, internal topics and stores are drawn distinctly: " + classes);
        for (int a = 0; a < rects.size(); a++) {
            for (int b = a + 1; b < rects.size(); b++) {
                double[] p = rects.get(a);
                double[] q = rects.get(b);
                boolean apart = p[0] + p[2] <= q[0] || q[0] + q[2] <= p[0] || p[1] + p[3] <= q[1] || q[1] + q[3] <= p[1];
                assertTrue(apart, "boxes overlap: " + svg);
            }
        }
        assertTrue(document.getElementsByTagName("path").getLength() >= topology.nodes().size(), "edges drawn");
    }
}
