package dev.tributary.runtime;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.plan.ConnectorSinkNode;
import dev.tributary.dsl.plan.ConnectorSourceNode;
import dev.tributary.dsl.plan.GlobalTableNode;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.dsl.plan.RepartitionNode;
import dev.tributary.dsl.plan.SinkNode;
import dev.tributary.dsl.plan.SourceNode;
import dev.tributary.dsl.plan.StoreSpec;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.elk.alg.layered.LayeredLayoutProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.math.KVector;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * A topology as a picture: Graphviz DOT (laid out by whoever renders it) or SVG (laid out here by the
 * Eclipse Layout Kernel's layered algorithm). Processing nodes are rounded boxes; the topics a job
 * reads are blue, the topics it writes green, its internal topics (repartition, changelog) grey;
 * stores are yellow cylinders joined to their nodes by dashed lines; connectors are violet. In the SVG
 * every processing node is a {@code <g class="node" data-node="NAME">}, so that a page can put live
 * figures on it.
 */
public final class TopologyDiagram {
    /** What a box of the diagram stands for. */
    enum Kind {
        PROCESSOR("node", "#f8fafc", "#334155"),
        INPUT_TOPIC("topic input", "#dbeafe", "#1d4ed8"),
        OUTPUT_TOPIC("topic output", "#dcfce7", "#15803d"),
        INTERNAL_TOPIC("topic internal", "#f1f5f9", "#64748b"),
        STORE("store", "#fef9c3", "#a16207"),
        CONNECTOR("connector", "#ede9fe", "#6d28d9");

        final String cssClass;
        final String fill;
        final String stroke;

        Kind(String cssClass, String fill, String stroke) {
            this.cssClass = cssClass;
            this.fill = fill;
            this.stroke = stroke;
        }
    }

    record Box(String id, String label, String detail, Kind kind, String node) {
    }

    record Link(String from, String to, boolean store) {
    }

    static {
        // Outside Eclipse nothing registers ELK's options and their types; the layered algorithm needs them.
        org.eclipse.elk.core.data.LayoutMetaDataService.getInstance().registerLayoutMetaDataProviders(
                new org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider());
    }

    private final Map<String, Box> boxes = new LinkedHashMap<>();
    private final Set<Link> links = new LinkedHashSet<>();

    private TopologyDiagram(Topology topology) {
        Map<String, StoreSpec> stores = new LinkedHashMap<>();
        topology.stores().forEach(store -> stores.put(store.name(), store));
        Set<String> repartitions = new LinkedHashSet<>();
        for (PlanNode node : topology.nodes()) {
            if (node instanceof RepartitionNode) {
                repartitions.add(node.name());
            }
        }
        for (PlanNode node : topology.nodes()) {
            String id = "node:" + node.name();
            box(new Box(id, node.name(), node.kind(), Kind.PROCESSOR, node.name()));
            for (String parent : node.parents()) {
                // A repartitioned stream is read back from its topic.
                links.add(new Link(repartitions.contains(parent) ? "repartition:" + parent : "node:" + parent, id, false));
            }
            if (node instanceof SourceNode source) {
                source.topics().forEach(topic -> links.add(new Link(topic(topic, Kind.INPUT_TOPIC), id, false)));
            } else if (node instanceof GlobalTableNode global) {
                links.add(new Link(topic(global.topic(), Kind.INPUT_TOPIC), id, false));
            } else if (node instanceof SinkNode sink) {
                String target = sink.topic() != null ? topic(sink.topic(), Kind.OUTPUT_TOPIC)
                        : box(new Box("topic:dynamic:" + node.name(), "(topic per record)", "", Kind.OUTPUT_TOPIC, null));
                links.add(new Link(id, target, false));
            } else if (node instanceof RepartitionNode) {
                links.add(new Link(id, box(new Box("repartition:" + node.name(), node.name() + "-repartition",
                        "repartition topic", Kind.INTERNAL_TOPIC, null)), false));
            } else if (node instanceof ConnectorSourceNode connector) {
                String from = box(new Box("connector:" + connector.name(), connector.name(), "source connector",
                        Kind.CONNECTOR, null));
                links.add(new Link(from, topic(connector.topic(), Kind.OUTPUT_TOPIC), false));
            } else if (node instanceof ConnectorSinkNode connector) {
                links.add(new Link(id, box(new Box("connector:" + connector.name(), connector.name(), "sink connector",
                        Kind.CONNECTOR, null)), false));
            }
            for (String store : storesOf(node, 0)) {
                StoreSpec spec = stores.get(store);
                String storeId = box(new Box("store:" + store, store, spec == null ? "store" : spec.type().name()
                        .toLowerCase(Locale.ROOT).replace('_', '-') + " store", Kind.STORE, null));
                links.add(new Link(id, storeId, true));
                if (spec != null && spec.logging()) {
                    links.add(new Link(storeId, box(new Box("changelog:" + store, store + "-changelog", "changelog",
                            Kind.INTERNAL_TOPIC, null)), true));
                }
            }
        }
    }

    /**
     * The stores a node uses. Plan nodes are records that name their stores as components: a
     * {@link StoreSpec}, or a store's name in a component called {@code ...Store} or {@code stores};
     * records inside a node (a join's specification) are looked into once.
     */
    private static List<String> storesOf(Object value, int depth) {
        List<String> found = new ArrayList<>();
        if (value == null || !value.getClass().isRecord() || depth > 1) {
            return found;
        }
        for (RecordComponent component : value.getClass().getRecordComponents()) {
            Object part;
            try {
                part = component.getAccessor().invoke(value);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (part instanceof StoreSpec spec) {
                found.add(spec.name());
            } else if (part instanceof String name && component.getName().endsWith("Store")) {
                found.add(name);
            } else if (part instanceof List<?> list && component.getName().equals("stores")) {
                list.forEach(name -> found.add(String.valueOf(name)));
            } else if (part != null && part.getClass().isRecord()) {
                found.addAll(storesOf(part, depth + 1));
            }
        }
        return found;
    }

    private String box(Box box) {
        boxes.putIfAbsent(box.id(), box);
        return box.id();
    }

    private String topic(String topic, Kind kind) {
        String id = "topic:" + topic;
        Box known = boxes.get(id);
        if (known != null && known.kind() != kind) {
            // Written and read by the same job: drawn once, as an internal topic would be.
            boxes.put(id, new Box(id, known.label(), known.detail(), Kind.INTERNAL_TOPIC, null));
            return id;
        }
        String name = topic.contains("/") ? topic.substring(topic.lastIndexOf('/') + 1) : topic;
        String namespace = topic.contains("/") ? topic.substring(0, topic.lastIndexOf('/')).replaceFirst("^[a-z-]+://", "")
                : "";
        return box(new Box(id, name, namespace.isEmpty() ? "topic" : namespace, kind, null));
    }

    /** The forms {@link #render} knows, as {@code --describe} takes them. */
    public static final List<String> FORMATS = List.of("text", "dot", "svg");

    /**
     * The topology in one of {@link #FORMATS}: {@code text} is {@link Topology#describe()}.
     *
     * @param topology the topology
     * @param format text, dot or svg
     * @return the rendering
     * @throws IllegalArgumentException naming the formats if the format is none of them
     */
    public static String render(Topology topology, String format) {
        return switch (format) {
            case "text" -> topology.describe();
            case "dot" -> dot(topology);
            case "svg" -> svg(topology);
            default -> throw new IllegalArgumentException("--describe takes text, dot or svg, not '" + format + "'");
        };
    }

    /**
     * The topology in Graphviz DOT ({@code dot -Tsvg} draws it).
     *
     * @param topology the topology
     * @return the DOT text
     */
    public static String dot(Topology topology) {
        TopologyDiagram diagram = new TopologyDiagram(topology);
        StringBuilder out = new StringBuilder("digraph topology {\n  rankdir=TB;\n")
                .append("  node [fontname=\"Helvetica\", fontsize=11, style=filled];\n")
                .append("  edge [color=\"#475569\"];\n");
        for (Box box : diagram.boxes.values()) {
            String shape = switch (box.kind()) {
                case PROCESSOR -> "box\", style=\"rounded,filled";
                case INPUT_TOPIC, OUTPUT_TOPIC, INTERNAL_TOPIC -> "cds";
                case STORE -> "cylinder";
                case CONNECTOR -> "component";
            };
            out.append("  ").append(quote(box.id())).append(" [label=")
                    .append(quote(box.label() + (box.detail().isEmpty() ? "" : "\n" + box.detail())))
                    .append(", shape=\"").append(shape).append("\", fillcolor=\"").append(box.kind().fill)
                    .append("\", color=\"").append(box.kind().stroke).append("\"];\n");
        }
        for (Link link : diagram.links) {
            out.append("  ").append(quote(link.from())).append(" -> ").append(quote(link.to()))
                    .append(link.store() ? " [style=dashed, arrowhead=none];\n" : ";\n");
        }
        return out.append("}\n").toString();
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    private static final double LINE = 15;
    private static final double CHAR = 6.8;

    /**
     * The topology as a standalone SVG document, laid out top to bottom by ELK Layered.
     *
     * @param topology the topology
     * @return the SVG text
     */
    public static String svg(Topology topology) {
        TopologyDiagram diagram = new TopologyDiagram(topology);
        ElkNode graph = ElkGraphUtil.createGraph();
        graph.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
        graph.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        graph.setProperty(CoreOptions.SPACING_NODE_NODE, 24.0);
        graph.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 36.0);
        graph.setProperty(CoreOptions.PADDING, new org.eclipse.elk.core.math.ElkPadding(16));
        Map<String, ElkNode> nodes = new LinkedHashMap<>();
        for (Box box : diagram.boxes.values()) {
            ElkNode node = ElkGraphUtil.createNode(graph);
            node.setIdentifier(box.id());
            // Room beside a processing node's kind for the rate a page writes there (" · 12345/s · 9 err").
            int chars = Math.max(box.label().length(), box.detail().length() + (box.node() != null ? 16 : 0));
            node.setDimensions(Math.max(90, chars * CHAR + 28), box.kind() == Kind.STORE ? 50 : 42);
            nodes.put(box.id(), node);
        }
        Map<ElkEdge, Link> edges = new LinkedHashMap<>();
        for (Link link : diagram.links) {
            edges.put(ElkGraphUtil.createSimpleEdge(nodes.get(link.from()), nodes.get(link.to())), link);
        }
        new LayeredLayoutProvider().layout(graph, new BasicProgressMonitor());

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\""
                + " viewBox=\"0 0 %.0f %.0f\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n",
                graph.getWidth(), graph.getHeight(), graph.getWidth(), graph.getHeight()));
        out.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\""
                + " markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#475569\"/>"
                + "</marker></defs>\n");
        for (Map.Entry<ElkEdge, Link> entry : edges.entrySet()) {
            for (ElkEdgeSection section : entry.getKey().getSections()) {
                StringBuilder path = new StringBuilder(String.format(Locale.ROOT, "M%.1f,%.1f", section.getStartX(),
                        section.getStartY()));
                for (ElkBendPoint bend : section.getBendPoints()) {
                    path.append(String.format(Locale.ROOT, " L%.1f,%.1f", bend.getX(), bend.getY()));
                }
                KVector end = new KVector(section.getEndX(), section.getEndY());
                path.append(String.format(Locale.ROOT, " L%.1f,%.1f", end.x, end.y));
                Link link = entry.getValue();
                out.append("<path class=\"edge").append(link.store() ? " store-edge" : "").append("\" d=\"")
                        .append(path).append("\" fill=\"none\" stroke=\"#475569\" stroke-width=\"1.2\"")
                        .append(link.store() ? " stroke-dasharray=\"4 3\"" : " marker-end=\"url(#arrow)\"")
                        .append("/>\n");
            }
        }
        for (Box box : diagram.boxes.values()) {
            ElkNode node = nodes.get(box.id());
            double x = node.getX();
            double y = node.getY();
            double w = node.getWidth();
            double h = node.getHeight();
            out.append("<g class=\"").append(box.kind().cssClass).append('"');
            if (box.node() != null) {
                out.append(" data-node=\"").append(xml(box.node())).append('"');
            }
            out.append(" data-id=\"").append(xml(box.id())).append("\">");
            String paint = " fill=\"" + box.kind().fill + "\" stroke=\"" + box.kind().stroke + "\" stroke-width=\"1.2\"";
            switch (box.kind()) {
                case PROCESSOR, CONNECTOR -> out.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"8\"%s/>", x, y, w, h, paint));
                case STORE -> out.append(String.format(Locale.ROOT,
                        "<path d=\"M%.1f,%.1f a%.1f,6 0 0,0 %.1f,0 v%.1f a%.1f,6 0 0,1 -%.1f,0 z\"%s/>"
                                + "<path d=\"M%.1f,%.1f a%.1f,6 0 0,0 %.1f,0\" fill=\"none\" stroke=\"%s\"/>",
                        x, y + 6, w / 2, w, h - 12, w / 2, w, paint, x, y + 6, w / 2, w, box.kind().stroke));
                default -> out.append(String.format(Locale.ROOT,
                        "<path d=\"M%.1f,%.1f h%.1f l10,%.1f l-10,%.1f h-%.1f l10,-%.1f z\"%s/>",
                        x, y, w - 10, h / 2, h / 2, w - 10, h / 2, paint));
            }
            double middle = x + w / 2;
            double top = y + h / 2 - (box.detail().isEmpty() ? -4 : LINE / 2 - 4);
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-weight=\"bold\">"
                    + "%s</text>", middle, top, xml(box.label())));
            if (!box.detail().isEmpty()) {
                out.append(String.format(Locale.ROOT, "<text class=\"detail\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\""
                        + " fill=\"#475569\" font-size=\"11\">%s</text>", middle, top + LINE, xml(box.detail())));
            }
            out.append("</g>\n");
        }
        return out.append("</svg>\n").toString();
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
