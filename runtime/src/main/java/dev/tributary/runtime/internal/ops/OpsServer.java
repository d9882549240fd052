package dev.tributary.runtime.internal.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus text format), {@code /health/live}, {@code /health/ready} and,
 * once the job runs, the state queries under {@code /stores}, with the JDK's HTTP server on a few
 * daemon threads (a query may wait on another instance): nothing here is on the per-record path.
 */
public final class OpsServer implements AutoCloseable {
    /**
     * What a health check reports: whether it passes, and why, in a line. A degraded instance passes
     * (200) with status DEGRADED: it serves, but something needs a look.
     */
    public record Health(boolean up, boolean degraded, String detail) {
        public Health(boolean up, String detail) {
            this(up, false, detail);
        }
    }

    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;
    private volatile com.sun.net.httpserver.HttpHandler stores = exchange -> {
        // A starting instance is one a query may be forwarded to already: the asker retries.
        exchange.getResponseHeaders().set("Retry-After", "1");
        respond(exchange, 503, "application/json", "{\"error\":\"the job is starting: its stores can be queried once it"
                + " has claimed and restored its key groups\",\"reason\":\"RESTORING\"}\n");
    };

    private OpsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @throws UncheckedIOException naming the address if it cannot be bound
     */
    public static OpsServer start(String bind, int port, PrometheusMeterRegistry registry, Supplier<Health> live,
                                  Supplier<Health> ready) {
        // The JDK server writes a response's headers and body apart; with Nagle's algorithm on, each answer
        // then waits for the client's delayed acknowledgement (about 40 ms). Read once, when the first
        // server of the process starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics and health on " + bind + ":" + port + " (http.bind,"
                    + " http.port): " + e.getMessage(), e);
        }
        server.createContext("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health/live", exchange -> health(exchange, live.get()));
        server.createContext("/health/ready", exchange -> health(exchange, ready.get()));
        java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "tributary-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        OpsServer ops = new OpsServer(server, executor);
        server.createContext("/stores", exchange -> ops.stores.handle(exchange));
        server.start();
        return ops;
    }

    /** Answers requests under {@code path} with the handler from now on. */
    public void serve(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    /** Answers the state queries under {@code /stores} from now on. */
    public void serveStores(com.sun.net.httpserver.HttpHandler handler) {
        this.stores = handler;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, Health health) throws IOException {
        respond(exchange, health.up() ? 200 : 503, "application/json",
                "{\"status\":\"" + (!health.up() ? "DOWN" : health.degraded() ? "DEGRADED" : "UP") + "\",\"detail\":\""
                        + health.detail().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n");
    }

    /** Writes a whole answer. */
    public static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
