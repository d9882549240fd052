package dev.tributary.runtime.internal.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tributary.runtime.internal.metrics.HeldKeys;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /held}: the records held behind failing keys, per key group, the longest failing keys
 * with their last error, and beside them the broker's draining hashes for the job's subscription.
 */
public final class HeldEndpoint implements HttpHandler {
    static final int DEFAULT_LIMIT = 20;

    /** What the endpoint reads once the job runs. */
    public interface Source {
        HeldKeys heldKeys();

        List<DrainingHashes.Partition> drainingHashes();
    }

    private final ObjectMapper json = new ObjectMapper();
    private final String application;
    private final Supplier<String> instance;
    private final Supplier<Source> source;

    /** @param source the running job's view, or null while it starts */
    public HeldEndpoint(String application, Supplier<String> instance, Supplier<Source> source) {
        this.application = application;
        this.instance = instance;
        this.source = source;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            error(exchange, 405, "GET /held only");
            return;
        }
        int limit;
        try {
            limit = limit(exchange.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            error(exchange, 400, e.getMessage());
            return;
        }
        Source now = source.get();
        if (now == null) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            error(exchange, 503, "the job is starting: it holds no records yet");
            return;
        }
        HeldKeys held = now.heldKeys();
        long at = held == HeldKeys.NONE ? System.currentTimeMillis() : held.takenAtMillis();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("application", application);
        body.put("instance", instance.get());
        body.put("at", Instant.ofEpochMilli(at).toString());
        body.put("failingKeys", held.failingKeys());
        body.put("heldRecords", held.heldRecords());
        List<Map<String, Object>> groups = new ArrayList<>();
        for (HeldKeys.Group group : held.keyGroups()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("keyGroup", group.keyGroup());
            row.put("heldRecords", group.heldRecords());
            row.put("failingKeys", group.failingKeys());
            row.put("oldestFailingMillis", Math.max(0, at - group.oldestSinceMillis()));
            groups.add(row);
        }
        body.put("keyGroups", groups);
        List<Map<String, Object>> keys = new ArrayList<>();
        for (HeldKeys.Key key : held.keys().subList(0, Math.min(limit, held.keys().size()))) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("key", key.key());
            row.put("keyGroup", key.keyGroup());
            row.put("heldRecords", key.heldRecords());
            row.put("attempts", key.attempts());
            row.put("failingSince", Instant.ofEpochMilli(key.sinceMillis()).toString());
            row.put("failingMillis", Math.max(0, at - key.sinceMillis()));
            row.put("node", key.node());
            row.put("kind", key.kind());
            row.put("lastError", key.lastError());
            keys.add(row);
        }
        body.put("keys", keys);
        body.put("broker", Map.of("subscription", application, "partitions", now.drainingHashes()));
        OpsServer.respond(exchange, 200, "application/json", json.writeValueAsString(body) + "\n");
    }

    /** The {@code limit} query parameter: 1 to {@link dev.tributary.runtime.internal.task.StreamTask#HELD_VIEW_KEYS}. */
    static int limit(String query) {
        if (query == null || query.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("limit=")) {
                String value = pair.substring("limit=".length());
                int max = dev.tributary.runtime.internal.task.StreamTask.HELD_VIEW_KEYS;
                try {
                    int limit = Integer.parseInt(value);
                    if (limit >= 1 && limit <= max) {
                        return limit;
                    }
                } catch (NumberFormatException e) {
                    // Answered below.
                }
                throw new IllegalArgumentException("limit must be a whole number from 1 to " + max + ", not '"
                        + value + "'");
            }
        }
        return DEFAULT_LIMIT;
    }

    private void error(HttpExchange exchange, int status, String message) throws IOException {
        OpsServer.respond(exchange, status, "application/json",
                json.writeValueAsString(Map.of("error", message)) + "\n");
    }
}
