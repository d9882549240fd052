package dev.tributary.runtime.internal.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.runtime.TopologyDiagram;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The job page: a static page served from the jar at {@code /}, which draws the topology
 * ({@code /topology.svg}) and refreshes itself from JSON endpoints that scripts can read too:
 * {@code /api/job} (the job, its state and settings with secrets masked), {@code /api/nodes}
 * (records and errors per node over every instance, with rates), {@code /api/keygroups} (every key group's owner and
 * whether it processes or restores, from any instance) and {@code /api/inputs} (lag per input topic
 * and restore progress).
 */
public final class JobPage {
    private static final String PAGE = "/dev/tributary/runtime/ops/job-page.html";
    private static final Duration PEER_TIMEOUT = Duration.ofMillis(800);

    /** What the page reads from the running job. */
    public interface Source {
        /** @return the instance a key group is assigned to, or null if none */
        String ownerOf(int keyGroup);

        /** @return the instance's HTTP address as it announced it, or null */
        String endpointOf(String instance);

        /** @return the running instances */
        List<String> members();

        /** @return the key groups this instance processes (claimed and restored) */
        BitSet processingKeyGroups();

        /** @return changelog records restored so far by each key group this instance is reading now */
        Map<Integer, Long> restoreProgress();
    }

    private final ObjectMapper json = new ObjectMapper();
    private final String application;
    private final Supplier<String> instance;
    private final Supplier<String> jobState;
    private final Topology topology;
    private final int keyGroups;
    private final Map<String, String> settings;
    private final MeterRegistry registry;
    private final Supplier<Source> source;
    private final HttpClient peers = HttpClient.newBuilder().connectTimeout(PEER_TIMEOUT).build();
    /** The previous look at each node's count, for its rate: the page asks every two seconds. */
    private final Map<String, double[]> lastCounts = new ConcurrentHashMap<>();
    private volatile String svg;

    /**
     * @param settings the job's settings as shown in its banner (secrets already masked)
     * @param source the running job's view, or null while it starts
     */
    public JobPage(String application, Supplier<String> instance, Supplier<String> jobState, Topology topology,
                   int keyGroups, Map<String, String> settings, MeterRegistry registry, Supplier<Source> source) {
        this.application = application;
        this.instance = instance;
        this.jobState = jobState;
        this.topology = topology;
        this.keyGroups = keyGroups;
        this.settings = settings;
        this.registry = registry;
        this.source = source;
    }

    /** Serves the page and its endpoints on the ops server. */
    public void serveOn(OpsServer ops) {
        ops.serve("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                OpsServer.respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            try (InputStream page = JobPage.class.getResourceAsStream(PAGE)) {
                OpsServer.respond(exchange, 200, "text/html; charset=utf-8",
                        new String(page.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        ops.serve("/topology.svg", exchange -> {
            if (svg == null) {
                svg = TopologyDiagram.svg(topology);
            }
            OpsServer.respond(exchange, 200, "image/svg+xml; charset=utf-8", svg);
        });
        ops.serve("/api/job", exchange -> answer(exchange, job()));
        ops.serve("/api/nodes", exchange -> answer(exchange,
                "local".equals(exchange.getRequestURI().getQuery()) ? localNodes() : nodes()));
        ops.serve("/api/keygroups", exchange -> answer(exchange,
                "local".equals(exchange.getRequestURI().getQuery()) ? local() : keyGroups()));
        ops.serve("/api/inputs", exchange -> answer(exchange, inputs()));
    }

    private void answer(HttpExchange exchange, Object body) throws IOException {
        OpsServer.respond(exchange, 200, "application/json", json.writeValueAsString(body) + "\n");
    }

    private Map<String, Object> job() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("application", application);
        body.put("instance", instance.get());
        body.put("state", jobState.get());
        body.put("keyGroups", keyGroups);
        body.put("settings", settings);
        return body;
    }

    private double sum(String name, String tag, String value) {
        double total = 0;
        for (Meter meter : registry.find(name).tag(tag, value).meters()) {
            for (var measurement : meter.measure()) {
                total += measurement.getValue();
            }
        }
        return total;
    }

    /** This instance's counts per node: records, errors (failed, dead-lettered, skipped), retries. */
    private Map<String, long[]> localNodes() {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (PlanNode node : topology.nodes()) {
            counts.put(node.name(), new long[] {(long) sum("tributary.node.records", "node", node.name()),
                    (long) (sum("tributary.records.failed", "node", node.name())
                            + sum("tributary.records.dead.lettered", "node", node.name())
                            + sum("tributary.records.skipped", "node", node.name())),
                    (long) sum("tributary.records.retried", "node", node.name())});
        }
        return counts;
    }

    /** The whole job's counts per node: this instance's and every reachable peer's, with rates. */
    private List<Map<String, Object>> nodes() {
        Map<String, long[]> counts = localNodes();
        Source now = source.get();
        int reached = 1;
        if (now != null) {
            for (String member : now.members()) {
                if (member.equals(instance.get())) {
                    continue;
                }
                JsonNode theirs = peer(now.endpointOf(member), "/api/nodes?local");
                if (theirs == null) {
                    continue;
                }
                reached++;
                counts.forEach((node, mine) -> {
                    JsonNode row = theirs.get(node);
                    for (int i = 0; row != null && i < mine.length; i++) {
                        mine[i] += row.get(i).asLong();
                    }
                });
            }
        }
        long time = System.nanoTime();
        List<Map<String, Object>> out = new ArrayList<>();
        for (PlanNode node : topology.nodes()) {
            long[] count = counts.get(node.name());
            double[] last = lastCounts.put(node.name(), new double[] {count[0], time});
            double rate = last == null || time - last[1] <= 0 ? 0 : (count[0] - last[0]) * 1e9 / (time - last[1]);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("node", node.name());
            row.put("kind", node.kind());
            row.put("records", count[0]);
            row.put("perSecond", Math.max(0, Math.round(rate * 10) / 10.0));
            row.put("errors", count[1]);
            row.put("retries", count[2]);
            row.put("instances", reached);
            out.add(row);
        }
        return out;
    }

    /** This instance's part, for its peers: which key groups it processes. */
    private Map<String, Object> local() {
        Source now = source.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", instance.get());
        body.put("processing", now == null ? List.of() : now.processingKeyGroups().stream().boxed().toList());
        body.put("restored", now == null ? Map.of() : now.restoreProgress());
        return body;
    }

    private Map<String, Object> keyGroups() {
        Source now = source.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", instance.get());
        body.put("count", keyGroups);
        if (now == null) {
            body.put("instances", List.of());
            body.put("groups", List.of());
            return body;
        }
        String me = instance.get();
        Map<String, BitSet> processing = new HashMap<>();
        processing.put(me, now.processingKeyGroups());
        Map<Integer, Long> restored = new HashMap<>(now.restoreProgress());
        List<Map<String, Object>> instances = new ArrayList<>();
        for (String member : now.members()) {
            String endpoint = now.endpointOf(member);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", member);
            row.put("endpoint", endpoint);
            row.put("here", member.equals(me));
            if (!member.equals(me)) {
                BitSet theirs = peerProcessing(endpoint, restored);
                row.put("reachable", theirs != null);
                if (theirs != null) {
                    processing.put(member, theirs);
                }
            }
            instances.add(row);
        }
        body.put("instances", instances);
        List<Map<String, Object>> groups = new ArrayList<>();
        for (int group = 0; group < keyGroups; group++) {
            String owner = now.ownerOf(group);
            BitSet known = owner == null ? null : processing.get(owner);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", group);
            row.put("owner", owner);
            // Assigned but not yet processing: being claimed from its previous owner or restored.
            row.put("state", owner == null ? "unowned" : known == null ? "unknown"
                    : known.get(group) ? "processing" : "restoring");
            if (restored.containsKey(group) && known != null && !known.get(group)) {
                row.put("restoredRecords", restored.get(group));
            }
            groups.add(row);
        }
        body.put("groups", groups);
        return body;
    }

    private BitSet peerProcessing(String endpoint, Map<Integer, Long> restored) {
        JsonNode answer = peer(endpoint, "/api/keygroups?local");
        if (answer == null) {
            return null;
        }
        BitSet groups = new BitSet();
        answer.get("processing").forEach(group -> groups.set(group.asInt()));
        JsonNode progress = answer.get("restored");
        if (progress != null) {
            progress.fields().forEachRemaining(field -> restored.put(Integer.parseInt(field.getKey()),
                    field.getValue().asLong()));
        }
        return groups;
    }

    /** A peer's answer, or null if it has no address or does not answer within the timeout. */
    private JsonNode peer(String endpoint, String path) {
        if (endpoint == null) {
            return null;
        }
        try {
            HttpResponse<String> answer = peers.send(HttpRequest.newBuilder(URI.create(endpoint.replaceAll("/+$", "")
                    + path)).timeout(PEER_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? json.readTree(answer.body()) : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Map<String, Object> inputs() {
        Map<String, Object> body = new LinkedHashMap<>();
        List<Map<String, Object>> lag = new ArrayList<>();
        registry.find("tributary.input.backlog").gauges().forEach(gauge -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("topic", gauge.getId().getTag("topic"));
            row.put("backlog", (long) gauge.value());
            lag.add(row);
        });
        body.put("lag", lag);
        Map<String, Object> restore = new LinkedHashMap<>();
        restore.put("keyGroupsRestoring", (long) registry.find("tributary.key.groups.restoring").gauges().stream()
                .mapToDouble(gauge -> gauge.value()).sum());
        restore.put("recordsRestored", (long) registry.find("tributary.restore.records").functionCounters().stream()
                .mapToDouble(counter -> counter.count()).sum());
        body.put("restore", restore);
        return body;
    }
}
