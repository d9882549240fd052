package dev.tributary.runtime.internal.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.state.ReadOnlyKeyValueStore;
import dev.tributary.runtime.internal.ownership.Membership;
import dev.tributary.runtime.query.QueryableStoreType;
import dev.tributary.runtime.query.QueryableStoreTypes;
import dev.tributary.runtime.query.StoreUnavailableException;
import dev.tributary.state.ConcurrentReads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /stores}, {@code /stores/{store}/keys/{key}} and {@code /stores/{store}/keys?from=&to=}:
 * a key's value read here when its key group runs here, else asked once of its owner (a header stops a
 * second hop); a range gathered from every instance. While a key group restores or moves the answer is
 * 503 with Retry-After and the owner, never an empty or stale answer unless {@code stale=true} asks
 * for one. JSON through Jackson; values decoded with the store's schemas.
 */
public final class QueryEndpoints implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(QueryEndpoints.class);

    private final LocalStores stores;
    private final String instanceId;
    private final byte[] token;
    private final ObjectMapper json = new ObjectMapper();
    private final Peers peers;
    private final Answer.Errors errors;
    private final RangeQuery ranges;

    private final dev.tributary.runtime.internal.metrics.TaskMetrics metrics;

    /** @param token the bearer token queries must carry, or null when they need none */
    public QueryEndpoints(LocalStores stores, Membership membership, String instanceId, String token,
                          dev.tributary.runtime.internal.metrics.TaskMetrics metrics) {
        this.stores = stores;
        this.metrics = metrics;
        this.peers = new Peers(instanceId);
        this.errors = new Answer.Errors(json, instanceId);
        this.ranges = new RangeQuery(stores, membership, instanceId, peers, json, errors);
        this.instanceId = instanceId;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** Set by a query this thread forwarded, for the metric. */
    private final ThreadLocal<Boolean> forwardedOn = ThreadLocal.withInitial(() -> false);

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Answer answer;
        forwardedOn.set(false);
        try {
            answer = answer(exchange);
        } catch (ConcurrentReads.ClosedException e) {
            answer = error(503, e.getMessage(), 1);
        } catch (RuntimeException e) {
            // The path holds a key, which is data: only the store is named.
            List<String> failed = segments(exchange.getRequestURI().getRawPath());
            LOG.warn("A query of store '{}' failed: {}", failed.size() > 1 ? failed.get(1) : "", e.getClass().getName());
            answer = error(500, "the query failed: " + e, 0);
        }
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        String store = path.size() > 1 && stores.spec(path.get(1)) != null ? path.get(1) : "";
        metrics.queries(store, answer.outcome(forwardedOn.get())).increment();
        byte[] body = json.writeValueAsBytes(answer.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (answer.retryAfterSeconds() > 0) {
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(answer.retryAfterSeconds()));
        }
        if (answer.status() == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"tributary\"");
        }
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private Answer answer(HttpExchange exchange) {
        if (!exchange.getRequestMethod().equals("GET")) {
            return error(405, "only GET is served here", 0);
        }
        if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return error(401, "this job's state queries need its token: send Authorization: Bearer <token>", 0);
        }
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        Map<String, String> query = parameters(exchange.getRequestURI().getRawQuery());
        boolean forwarded = exchange.getRequestHeaders().getFirst(Peers.FORWARDED) != null;
        if (path.size() == 1) {
            return listing();
        }
        StoreSpec spec = stores.spec(path.get(1));
        if (spec == null) {
            ObjectNode body = errorBody("no store named '" + path.get(1) + "' can be queried in this job");
            body.set("stores", json.valueToTree(stores.stores().stream().map(s -> s.name()).toList()));
            return new Answer(404, body, 0);
        }
        if (path.size() == 3 && path.get(2).equals("keys")) {
            return ranges.answer(spec, query, forwarded, exchange);
        }
        if (path.size() == 4 && path.get(2).equals("keys")) {
            return key(spec, path.get(3), query, forwarded, exchange);
        }
        return error(404, "no such endpoint: /stores/{store} answers /keys/{key} and /keys?from=&to=&prefix=&limit=", 0);
    }

    private boolean authorized(String header) {
        if (token == null) {
            return true;
        }
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8));
    }

    private Answer listing() {
        ObjectNode body = json.createObjectNode();
        ArrayNode list = body.putArray("stores");
        for (LocalStores.StoreInfo info : stores.stores()) {
            ObjectNode store = list.addObject();
            store.put("name", info.name());
            store.put("type", switch (info.kind()) {
                case KEY_VALUE -> "key-value";
                case WINDOW -> "window";
                case SESSION -> "session";
            });
            store.put("keySchema", info.keySchema());
            store.put("valueSchema", info.valueSchema());
        }
        body.put("instance", instanceId);
        return new Answer(200, body, 0);
    }

    private Answer key(StoreSpec spec, String rawKey, Map<String, String> query, boolean forwarded,
                       HttpExchange exchange) {
        String text = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
        Object key;
        try {
            key = KeyText.parse(spec.keySchema(), text);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage(), 0);
        }
        boolean stale = "true".equals(query.get("stale"));
        int group = groupOf(spec, key);
        try {
            ObjectNode body = json.createObjectNode();
            body.set("key", json.valueToTree(key));
            boolean found;
            switch (LocalStores.kindOf(spec)) {
                case KEY_VALUE -> {
                    ReadOnlyKeyValueStore<Object, Object> view = stores.store(spec.name(), QueryableStoreTypes.keyValue(),
                            stale);
                    Object value = view.get(key);
                    found = value != null;
                    body.set("value", json.valueToTree(value));
                }
                case WINDOW, SESSION -> {
                    WindowView<Object, Object> view = stores.windows(spec.name(), stale);
                    long from = time(query, "from", 0);
                    long to = time(query, "to", Long.MAX_VALUE);
                    ArrayNode list = body.putArray(LocalStores.kindOf(spec) == QueryableStoreType.Kind.WINDOW
                            ? "windows" : "sessions");
                    for (WindowView.Window<Object> window : view.windows(key, from, to)) {
                        ObjectNode entry = list.addObject();
                        entry.put("start", window.start());
                        entry.put("end", window.end());
                        entry.set("value", json.valueToTree(window.value()));
                    }
                    found = !list.isEmpty();
                }
                default -> throw new IllegalStateException();
            }
            long lag = stores.lagMillis(group);
            if (!stores.state().queryable().get(group) && lag >= 0) {
                body.put("stale", true);
                body.put("lagMs", lag);
            }
            body.put("keyGroup", group);
            body.put("instance", instanceId);
            if (!found) {
                body.put("error", "no value for key '" + text + "' in store '" + spec.name() + "'");
                return new Answer(404, body, 0);
            }
            return new Answer(200, body, 0);
        } catch (StoreUnavailableException e) {
            if (e.reason() == StoreUnavailableException.Reason.ELSEWHERE && !forwarded && e.ownerEndpoint() != null) {
                return forward(e.ownerEndpoint(), exchange, e);
            }
            return unavailable(e, forwarded);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage(), 0);
        }
    }

    private int groupOf(StoreSpec spec, Object key) {
        @SuppressWarnings("unchecked")
        byte[] bytes = ((org.apache.pulsar.client.api.Schema<Object>) spec.keySchema()).encode(key);
        return stores.state().keyGroups().ofKeyBytes(bytes);
    }

    private static long time(Map<String, String> query, String name, long otherwise) {
        String text = query.get(name);
        if (text == null || text.isEmpty()) {
            return otherwise;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            try {
                return java.time.Instant.parse(text).toEpochMilli();
            } catch (java.time.format.DateTimeParseException notInstant) {
                throw new IllegalArgumentException("'" + name + "' must be epoch milliseconds or an ISO-8601 instant"
                        + " (2026-01-31T12:00:00Z), not '" + text + "'");
            }
        }
    }

    private Answer unavailable(StoreUnavailableException e, boolean forwarded) {
        String message = e.getMessage();
        if (e.reason() == StoreUnavailableException.Reason.ELSEWHERE && forwarded) {
            // The asking instance took this one for the owner: the key group is between owners.
            message += "; it was asked here as its owner, so it is moving";
        }
        ObjectNode body = errorBody(message);
        body.put("reason", e.reason() == StoreUnavailableException.Reason.ELSEWHERE ? "MOVING" : e.reason().name());
        body.put("keyGroup", e.keyGroup());
        if (e.owner() != null) {
            body.put("owner", e.owner());
        }
        if (e.ownerEndpoint() != null) {
            body.put("endpoint", e.ownerEndpoint());
        }
        return new Answer(503, body, 1);
    }

    /** Asks the owner once, with the caller's credentials; its answer is passed on as it is. */
    private Answer forward(String endpoint, HttpExchange exchange, StoreUnavailableException why) {
        forwardedOn.set(true);
        try {
            Peers.Reply reply = peers.ask(endpoint, exchange);
            return new Answer(reply.status(), json.readTree(reply.body()), reply.retryAfterSeconds());
        } catch (IOException e) {
            ObjectNode body = errorBody(why.getMessage() + ", which did not answer (" + e + ")");
            body.put("reason", "MOVING");
            body.put("owner", why.owner());
            body.put("endpoint", endpoint);
            return new Answer(503, body, 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "interrupted while asking instance '" + why.owner() + "'", 1);
        }
    }

    private ObjectNode errorBody(String message) {
        return errors.body(message);
    }

    private Answer error(int status, String message, int retryAfter) {
        return errors.answer(status, message, retryAfter);
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    static Map<String, String> parameters(String rawQuery) {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery == null) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.put(name, value);
        }
        return parameters;
    }
}
