package dev.tributary.connect.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.config.Secret;
import dev.tributary.dsl.connect.ConnectorMetrics;
import dev.tributary.dsl.connect.Source;
import dev.tributary.dsl.connect.SourceContext;
import dev.tributary.dsl.connect.SourceRecord;
import dev.tributary.dsl.connect.SourceWriteException;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP bridge into Pulsar: {@code POST /topics/{topic}} with one JSON event or a JSON array of
 * events. Each event is checked against the topic's schema, published, and the request is answered
 * {@code 202} only once the broker has stored every event of it.
 *
 * <ul>
 *   <li>{@code 202} {@code {"accepted": n}}: all n events are in the topic;</li>
 *   <li>{@code 400}: the body is not JSON, or an event does not fit the topic's schema (the reason
 *       names the event and the field); nothing of the request is published;</li>
 *   <li>{@code 401}: {@code auth-token} is set and the request lacks {@code Authorization: Bearer} with it;</li>
 *   <li>{@code 404}: the topic is not one the bridge serves;</li>
 *   <li>{@code 413}: the body exceeds {@code max-body-bytes};</li>
 *   <li>{@code 503} with {@code Retry-After}: the broker is unavailable or did not confirm in time;
 *       some events may still have been stored, so a client that retries may duplicate them.</li>
 * </ul>
 * Served topics: the connector's own topic and those in {@code topics}, addressed by their local name
 * ({@code /topics/events}) or in full ({@code /topics/public/default/events}).
 */
public final class HttpIngestSource implements Source<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngestSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The port. */
    public static final ConfigOption<Integer> PORT = ConfigOption.key("port").intType().defaultValue(8081)
            .check(p -> p >= 0 && p <= 65535, "must be 0 to 65535 (0 picks a free port)")
            .description("The port the bridge listens on; 0 picks a free one (logged).");
    /** The address. */
    public static final ConfigOption<String> BIND = ConfigOption.key("bind").stringType().defaultValue("0.0.0.0")
            .description("The address the bridge listens on.");
    /** Further topics. */
    public static final ConfigOption<String> TOPICS = ConfigOption.key("topics").stringType()
            .description("More topics the bridge publishes to, comma-separated, besides the connector's own; each must"
                    + " exist.");
    /** Where keys come from. */
    public static final ConfigOption<String> KEY_FIELD = ConfigOption.key("key-field").stringType()
            .description("The top-level event field whose value becomes the message key (so events of one key are"
                    + " processed in order by one instance); without it events have no key.");
    /** Body limit. */
    public static final ConfigOption<Integer> MAX_BODY_BYTES = ConfigOption.key("max-body-bytes").intType()
            .defaultValue(1024 * 1024).check(n -> n > 0, "must be positive")
            .description("The largest request body accepted; larger ones are answered 413.");
    /** Bearer token. */
    public static final ConfigOption<Secret> AUTH_TOKEN = ConfigOption.key("auth-token").secretType()
            .description("If set, requests must carry 'Authorization: Bearer <token>' or are answered 401.");
    /** Wait for the broker. */
    public static final ConfigOption<Duration> REQUEST_TIMEOUT = ConfigOption.key("request-timeout").durationType()
            .defaultValue(Duration.ofSeconds(10)).check(d -> d.toMillis() >= 100, "must be at least 100 ms")
            .description("How long a request waits for the broker to store its events before it is answered 503.");
    /** Retry-After. */
    public static final ConfigOption<Duration> RETRY_AFTER = ConfigOption.key("retry-after").durationType()
            .defaultValue(Duration.ofSeconds(5)).check(d -> d.getSeconds() >= 1, "must be at least 1 s")
            .description("The Retry-After of 503 answers.");
    /** Strict fields. */
    public static final ConfigOption<Boolean> REJECT_UNKNOWN_FIELDS = ConfigOption.key("reject-unknown-fields")
            .booleanType().defaultValue(true)
            .description("Refuse events with fields the topic's record schema does not define (400).");

    private final Map<String, Target> targets = new LinkedHashMap<>();
    private SourceContext<Object> context;
    private Undertow server;
    private int port;
    private String keyField;
    private int maxBodyBytes;
    private byte[] expectedAuthorization;
    private long timeoutMillis;
    private String retryAfterSeconds;
    private ConnectorMetrics metrics;
    private ConnectorMetrics.Counter accepted;
    private ConnectorMetrics.Timer requestTime;
    private final Map<Integer, ConnectorMetrics.Counter> requestsByStatus = new java.util.concurrent.ConcurrentHashMap<>();

    private record Target(String topic, EventSchema schema) {
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(PORT, BIND, TOPICS, KEY_FIELD, MAX_BODY_BYTES, AUTH_TOKEN, REQUEST_TIMEOUT, RETRY_AFTER,
                REJECT_UNKNOWN_FIELDS);
    }

    @Override
    public void open(SourceContext<Object> context) {
        this.context = context;
        Configuration config = context.config();
        boolean strict = config.get(REJECT_UNKNOWN_FIELDS);
        List<String> topics = new ArrayList<>();
        topics.add(context.topic());
        if (config.get(TOPICS) != null) {
            for (String topic : config.get(TOPICS).split(",")) {
                if (!topic.isBlank()) {
                    topics.add(Topics.normalize(topic.trim()));
                }
            }
        }
        for (String topic : topics) {
            EventSchema schema;
            try {
                schema = EventSchema.of(topic, context.topicSchema(topic).orElse(null), strict);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("connector." + context.name() + ".topics: " + e.getMessage(), e);
            }
            Target target = new Target(topic, schema);
            targets.put(topic, target);
            targets.putIfAbsent(Topics.localName(topic), target);
            targets.putIfAbsent(Topics.path(topic), target);
        }
        keyField = config.get(KEY_FIELD);
        maxBodyBytes = config.get(MAX_BODY_BYTES);
        Secret token = config.get(AUTH_TOKEN);
        expectedAuthorization = token == null ? null : ("Bearer " + token.reveal()).getBytes(StandardCharsets.UTF_8);
        timeoutMillis = config.get(REQUEST_TIMEOUT).toMillis();
        retryAfterSeconds = Long.toString(config.get(RETRY_AFTER).getSeconds());
        metrics = context.metrics();
        accepted = metrics.counter("http.events.accepted");
        requestTime = metrics.timer("http.request");
        server = Undertow.builder()
                .addHttpListener(config.get(PORT), config.get(BIND))
                .setHandler(new BlockingHandler(this::handle))
                .build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        LOG.info("HTTP bridge '{}' listens on {}:{}: POST /topics/TOPIC for {}", context.name(), config.get(BIND), port,
                topics.stream().map(t -> Topics.localName(t) + " (" + targets.get(t).schema().describe() + ")")
                        .toList());
    }

    /** The port the bridge listens on (useful with {@code port=0}). */
    public int port() {
        return port;
    }

    @Override
    public void run(SourceContext<Object> context) throws InterruptedException {
        // Requests are served on the server's threads; this one only waits for the stop.
        while (!context.awaitStop(1000)) {
            // Nothing to do.
        }
    }

    private void handle(HttpServerExchange exchange) {
        long began = System.nanoTime();
        int status;
        try {
            status = serve(exchange);
        } catch (Exception e) {
            LOG.error("HTTP bridge '{}': {} {} failed: {}", context.name(), exchange.getRequestMethod(),
                    exchange.getRequestPath(), e.toString(), e);
            status = answer(exchange, 500, "internal error: " + e.getMessage());
        }
        requestTime.record(System.nanoTime() - began);
        requestsByStatus.computeIfAbsent(status, s -> metrics.counter("http.requests", "status", Integer.toString(s)))
                .increment();
    }

    private int serve(HttpServerExchange exchange) throws IOException, InterruptedException {
        String path = exchange.getRequestPath();
        if (!path.startsWith("/topics/")) {
            return answer(exchange, 404, "no such resource; POST events to /topics/{topic}");
        }
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
            return answer(exchange, 405, "use POST");
        }
        if (expectedAuthorization != null) {
            String given = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
            if (given == null || !MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8))) {
                exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
                return answer(exchange, 401, given == null ? "missing Authorization: Bearer token" : "invalid token");
            }
        }
        Target target = targets.get(path.substring("/topics/".length()));
        if (target == null) {
            return answer(exchange, 404, "the bridge does not publish to topic '" + path.substring("/topics/".length())
                    + "'; it serves " + targets.values().stream().map(t -> Topics.localName(t.topic()))
                    .distinct().toList());
        }
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (contentType != null && !contentType.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            return answer(exchange, 415, "the body must be JSON (Content-Type application/json), not " + contentType);
        }
        long declared = exchange.getRequestContentLength();
        if (declared > maxBodyBytes) {
            return answer(exchange, 413, "the body has " + declared + " bytes; at most " + maxBodyBytes + " are accepted");
        }
        byte[] body;
        try (InputStream in = exchange.getInputStream()) {
            body = in.readNBytes(maxBodyBytes + 1);
        }
        if (body.length > maxBodyBytes) {
            return answer(exchange, 413, "the body exceeds " + maxBodyBytes + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return answer(exchange, 400, "the body is not JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        if (root == null || root.isMissingNode()) {
            return answer(exchange, 400, "the body is empty; send one JSON event or an array of events");
        }
        List<JsonNode> events = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(events::add);
            if (events.isEmpty()) {
                return answer(exchange, 400, "the array holds no events");
            }
        } else {
            events.add(root);
        }
        List<SourceRecord<Object>> records = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            String which = events.size() > 1 ? "event " + i + ": " : "";
            try {
                SourceRecord<Object> record = SourceRecord.encoded(target.schema().encode(event));
                if (keyField != null) {
                    JsonNode key = event.get(keyField);
                    if (key == null || key.isNull() || key.isContainerNode()) {
                        throw new IllegalArgumentException("key field '" + keyField + "' is missing or not a plain value");
                    }
                    record.key(key.asText());
                }
                records.add(record.topic(target.topic()));
            } catch (IllegalArgumentException e) {
                return answer(exchange, 400, which + e.getMessage() + " (topic '" + Topics.localName(target.topic()) + "', schema " + target.schema().describe() + ")");
            }
        }
        if (context.stopping()) {
            return unavailable(exchange, "the job is stopping");
        }
        if (!context.available(target.topic())) {
            return unavailable(exchange, "the broker is unavailable");
        }
        List<CompletableFuture<?>> stored = new ArrayList<>(records.size());
        for (SourceRecord<Object> record : records) {
            stored.add(context.emit(record));
        }
        try {
            CompletableFuture.allOf(stored.toArray(new CompletableFuture[0])).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return unavailable(exchange, "the broker did not confirm the events within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SourceWriteException write && !write.retriable()) {
                return answer(exchange, 400, write.getMessage());
            }
            return unavailable(exchange, "the broker did not store the events: " + cause.getMessage());
        }
        accepted.increment(records.size());
        ObjectNode result = JSON.createObjectNode().put("accepted", records.size())
                .put("topic", target.topic());
        return respond(exchange, 202, result);
    }

    private int unavailable(HttpServerExchange exchange, String reason) {
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, retryAfterSeconds);
        return answer(exchange, 503, reason + "; retry later");
    }

    private int answer(HttpServerExchange exchange, int status, String error) {
        if (status >= 500) {
            LOG.warn("HTTP bridge '{}': {} {} answered {}: {}", context.name(), exchange.getRequestMethod(),
                    exchange.getRequestPath(), status, error);
        }
        return respond(exchange, status, JSON.createObjectNode().put("error", error));
    }

    private int respond(HttpServerExchange exchange, int status, ObjectNode body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(new HttpString("Cache-Control"), "no-store");
        exchange.getResponseSender().send(body.toString());
        return status;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
    }
}
