package dev.tributary.runtime.internal.query;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks another instance of the job the query this one was asked: the same path and parameters, the
 * caller's credentials, and a header saying it was forwarded, so the other instance answers from its
 * own state and never forwards it again.
 */
final class Peers {
    /** Marks a query one instance asked another. */
    static final String FORWARDED = "X-Tributary-Forwarded";

    private final String instanceId;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Peers(String instanceId) {
        this.instanceId = instanceId;
    }

    /** What the other instance answered. */
    record Reply(int status, byte[] body, int retryAfterSeconds) {
    }

    Reply ask(String endpoint, HttpExchange exchange) throws IOException, InterruptedException {
        URI asked = exchange.getRequestURI();
        URI uri = URI.create(endpoint + asked.getRawPath() + (asked.getRawQuery() == null ? "" : "?" + asked.getRawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header(FORWARDED,
                instanceId).GET();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), response.body(),
                response.headers().firstValue("Retry-After").map(Integer::parseInt).orElse(0));
    }
}
