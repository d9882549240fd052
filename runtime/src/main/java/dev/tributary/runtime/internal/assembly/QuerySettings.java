package dev.tributary.runtime.internal.assembly;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.RuntimeOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** The settings of the query endpoints, read from the job's configuration once at start. */
public final class QuerySettings {
    private QuerySettings() {
    }

    /**
     * Where the other instances forward queries: {@code application.server}, else this instance's ops
     * server ({@code http.bind}, with the host's name for a wildcard address).
     *
     * @param port the ops server's port, or -1 without one
     * @return the endpoint, or null when there is none to advertise
     */
    public static String endpoint(Configuration config, int port) {
        String configured = config.get(RuntimeOptions.APPLICATION_SERVER);
        if (configured != null) {
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        if (port < 0) {
            return null;
        }
        String host = config.get(RuntimeOptions.HTTP_BIND);
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The token queries must carry: {@code http.query.token}, else the job's own Pulsar token, else none.
     *
     * @throws JobStartException if the token file cannot be read
     */
    public static String token(Configuration config) {
        if (config.contains(RuntimeOptions.HTTP_QUERY_TOKEN)) {
            return config.get(RuntimeOptions.HTTP_QUERY_TOKEN).reveal();
        }
        if (config.contains(RuntimeOptions.AUTH_TOKEN)) {
            return config.get(RuntimeOptions.AUTH_TOKEN).reveal();
        }
        if (config.contains(RuntimeOptions.AUTH_TOKEN_FILE)) {
            try {
                return Files.readString(Path.of(config.get(RuntimeOptions.AUTH_TOKEN_FILE))).trim();
            } catch (IOException e) {
                throw new JobStartException("cannot read the token file " + config.get(RuntimeOptions.AUTH_TOKEN_FILE)
                        + " (pulsar.auth.token-file), which the query endpoints require: " + e.getMessage(), e);
            }
        }
        return null;
    }
}
