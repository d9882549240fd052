package dev.tributary.runtime.internal.pulsar;

import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.ProcessingGuarantee;
import dev.tributary.dsl.config.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Authentication;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.impl.auth.AuthenticationDisabled;
import org.apache.pulsar.client.api.PulsarClientException;

/** The job's Pulsar client and admin client, created and checked together. */
public final class PulsarConnections implements AutoCloseable {
    private final String serviceUrl;
    private final String adminUrl;
    private final PulsarClient client;
    private final PulsarAdmin admin;

    private PulsarConnections(String serviceUrl, String adminUrl, PulsarClient client, PulsarAdmin admin) {
        this.serviceUrl = serviceUrl;
        this.adminUrl = adminUrl;
        this.client = client;
        this.admin = admin;
    }

    /** Connects and checks that the admin API answers, so a wrong address fails fast and clearly. */
    public static PulsarConnections open(Configuration config) {
        String serviceUrl = config.get(RuntimeOptions.SERVICE_URL);
        String adminUrl = config.contains(RuntimeOptions.ADMIN_URL)
                ? config.get(RuntimeOptions.ADMIN_URL) : adminUrlFor(serviceUrl);
        Duration timeout = config.get(RuntimeOptions.OPERATION_TIMEOUT);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Authentication authentication = authentication(config);
        String trustCerts = trustCerts(config);
        boolean hostnameVerification = config.get(RuntimeOptions.TLS_HOSTNAME_VERIFICATION);
        boolean allowInsecure = config.get(RuntimeOptions.TLS_ALLOW_INSECURE);
        boolean transactions = config.get(RuntimeOptions.PROCESSING_GUARANTEE) == ProcessingGuarantee.EXACTLY_ONCE;
        // A client with transactions asks the coordinator at once: it is built once the admin API has
        // answered and the broker is known to have one, so that each of those failures says so plainly.
        PulsarClient client = transactions ? null : newClient(config, false);
        PulsarAdmin admin;
        try {
            admin = PulsarAdmin.builder().serviceHttpUrl(adminUrl)
                    .connectionTimeout(Math.min(millis, 10_000), TimeUnit.MILLISECONDS)
                    .readTimeout(millis, TimeUnit.MILLISECONDS)
                    .requestTimeout(millis, TimeUnit.MILLISECONDS)
                    .authentication(authentication)
                    .tlsTrustCertsFilePath(trustCerts)
                    .enableTlsHostnameVerification(hostnameVerification)
                    .allowTlsInsecureConnection(allowInsecure)
                    .build();
            admin.clusters().getClusters();
            if (transactions) {
                checkTransactions(admin, adminUrl, serviceUrl);
                client = newClient(config, true);
            }
        } catch (JobStartException e) {
            closeQuietly(client);
            throw e;
        } catch (PulsarAdminException.NotAuthorizedException e) {
            closeQuietly(client);
            throw new JobStartException("the broker refused the job's credentials at " + adminUrl + " ("
                    + credentialsSource(config) + "): " + PulsarErrors.reason(e), e);
        } catch (PulsarClientException | PulsarAdminException | RuntimeException e) {
            closeQuietly(client);
            throw new JobStartException("cannot reach the Pulsar admin API at " + adminUrl + " ("
                    + (config.contains(RuntimeOptions.ADMIN_URL) ? "pulsar.admin.url" : "derived from pulsar.service.url;"
                    + " set pulsar.admin.url if it differs") + ")" + tlsHint(e, config) + ": " + PulsarErrors.reason(e), e);
        }
        return new PulsarConnections(serviceUrl, adminUrl, client, admin);
    }

    /** What a TLS handshake failure most likely means, in the job's own setting names. */
    private static String tlsHint(Throwable e, Configuration config) {
        String reason = PulsarErrors.reason(e);
        if (reason.contains("PKIX path building failed") || reason.contains("unable to find valid certification path")) {
            return config.contains(RuntimeOptions.TLS_TRUST_CERTS_FILE)
                    ? "; the broker's certificate is not signed by an authority in "
                    + RuntimeOptions.TLS_TRUST_CERTS_FILE.key() + " (" + config.get(RuntimeOptions.TLS_TRUST_CERTS_FILE) + ")"
                    : "; the broker's certificate is not signed by an authority the JVM trusts: set "
                    + RuntimeOptions.TLS_TRUST_CERTS_FILE.key() + " to its authority's PEM file";
        }
        if (reason.contains("bad_certificate") || reason.contains("certificate_required")) {
            return config.contains(RuntimeOptions.TLS_CERT_FILE)
                    ? "; the broker refused the client certificate " + config.get(RuntimeOptions.TLS_CERT_FILE)
                    : "; the broker requires a client certificate (mutual TLS): set " + RuntimeOptions.TLS_CERT_FILE.key()
                    + " and " + RuntimeOptions.TLS_KEY_FILE.key();
        }
        if (reason.contains("No subject alternative") || reason.contains("doesn't match")) {
            return "; the broker's certificate does not name this host (" + RuntimeOptions.TLS_HOSTNAME_VERIFICATION.key()
                    + ")";
        }
        return "";
    }

    /**
     * A client with the job's connection and security settings, not yet connected.
     *
     * @throws JobStartException if the service URL is not valid
     */
    public static PulsarClient newClient(Configuration config) {
        return newClient(config, false);
    }

    /**
     * Whether the broker runs the transaction coordinator and acknowledges batch messages one by one
     * (a commit acknowledges part of a batch when the rest belongs to the next commit); one line naming
     * the broker settings otherwise.
     */
    private static void checkTransactions(PulsarAdmin admin, String adminUrl, String serviceUrl) {
        String fix = "; set transactionCoordinatorEnabled=true, systemTopicEnabled=true and"
                + " acknowledgmentAtBatchIndexLevelEnabled=true in the broker's configuration (broker.conf, or"
                + " standalone.conf) and restart it, or run with processing.guarantee=at-least-once";
        java.util.Map<String, String> settings = null;
        try {
            settings = admin.brokers().getRuntimeConfigurations();
        } catch (PulsarAdminException e) {
            // Not every role may read the broker's settings; the coordinator's topic tells the main one.
        }
        if (settings != null) {
            List<String> off = new java.util.ArrayList<>();
            for (String key : List.of("transactionCoordinatorEnabled", "acknowledgmentAtBatchIndexLevelEnabled")) {
                if (!"true".equalsIgnoreCase(settings.getOrDefault(key, "false"))) {
                    off.add(key + "=" + settings.getOrDefault(key, "false"));
                }
            }
            if (!off.isEmpty()) {
                throw new JobStartException("processing.guarantee=exactly-once needs Pulsar transactions, but the broker"
                        + " at " + adminUrl + " has " + String.join(" and ", off) + fix, null);
            }
            return;
        }
        int partitions;
        try {
            partitions = admin.topics().getPartitionedTopicMetadata(
                    "persistent://pulsar/system/transaction_coordinator_assign").partitions;
        } catch (PulsarAdminException e) {
            partitions = 0;
        }
        if (partitions == 0) {
            throw new JobStartException("processing.guarantee=exactly-once needs Pulsar transactions, but the broker"
                    + " at " + serviceUrl + " runs no transaction coordinator" + fix, null);
        }
    }

    /**
     * A client with the job's connection and security settings.
     *
     * @param transactions whether it opens transactions; it then reaches the broker's coordinator at once
     * @throws JobStartException if the service URL is not valid, or the coordinator does not answer
     */
    public static PulsarClient newClient(Configuration config, boolean transactions) {
        String serviceUrl = config.get(RuntimeOptions.SERVICE_URL);
        int millis = (int) Math.min(Integer.MAX_VALUE, config.get(RuntimeOptions.OPERATION_TIMEOUT).toMillis());
        String trustCerts = trustCerts(config);
        try {
            // An explicit no-op instance: otherwise the client consults the global OpenTelemetry and logs
            // a notice about auto-configuration on every start. Tributary's metrics are its own.
            var builder = PulsarClient.builder().serviceUrl(serviceUrl);
            if (config.contains(RuntimeOptions.LISTENER_NAME)) {
                builder.listenerName(config.get(RuntimeOptions.LISTENER_NAME));
            }
            return builder
                    .openTelemetry(io.opentelemetry.api.OpenTelemetry.noop())
                    .operationTimeout(millis, TimeUnit.MILLISECONDS)
                    .connectionTimeout(Math.min(millis, 10_000), TimeUnit.MILLISECONDS)
                    .lookupTimeout(millis, TimeUnit.MILLISECONDS)
                    .authentication(authentication(config))
                    .tlsTrustCertsFilePath(trustCerts)
                    .enableTlsHostnameVerification(config.get(RuntimeOptions.TLS_HOSTNAME_VERIFICATION))
                    .allowTlsInsecureConnection(config.get(RuntimeOptions.TLS_ALLOW_INSECURE))
                    .enableTransaction(transactions)
                    .build();
        } catch (PulsarClientException | RuntimeException e) {
            if (transactions) {
                throw new JobStartException("cannot reach the transaction coordinator of the broker at " + serviceUrl
                        + " (processing.guarantee=exactly-once): " + PulsarErrors.reason(e), e);
            }
            throw new JobStartException("invalid Pulsar service URL '" + serviceUrl + "' (pulsar.service.url): "
                    + PulsarErrors.reason(e), e);
        }
    }

    private static String trustCerts(Configuration config) {
        String trustCerts = config.get(RuntimeOptions.TLS_TRUST_CERTS_FILE);
        if (trustCerts != null && !Files.isReadable(Path.of(trustCerts))) {
            throw new ConfigException(RuntimeOptions.TLS_TRUST_CERTS_FILE.key(), trustCerts, "must be a readable file");
        }
        return trustCerts;
    }

    /** The credentials configured, or none; a token and mutual TLS together are refused. */
    static Authentication authentication(Configuration config) {
        Secret token = config.get(RuntimeOptions.AUTH_TOKEN);
        String tokenFile = config.get(RuntimeOptions.AUTH_TOKEN_FILE);
        String certFile = config.get(RuntimeOptions.TLS_CERT_FILE);
        String keyFile = config.get(RuntimeOptions.TLS_KEY_FILE);
        if (token != null && tokenFile != null) {
            throw new ConfigException(RuntimeOptions.AUTH_TOKEN_FILE.key(), "set either "
                    + RuntimeOptions.AUTH_TOKEN.key() + " or " + RuntimeOptions.AUTH_TOKEN_FILE.key() + ", not both");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new ConfigException(RuntimeOptions.TLS_CERT_FILE.key(), "mutual TLS needs both "
                    + RuntimeOptions.TLS_CERT_FILE.key() + " and " + RuntimeOptions.TLS_KEY_FILE.key());
        }
        if (certFile != null && (token != null || tokenFile != null)) {
            throw new ConfigException(RuntimeOptions.TLS_CERT_FILE.key(), "choose one authentication: a token ("
                    + RuntimeOptions.AUTH_TOKEN.key() + ") or mutual TLS (" + RuntimeOptions.TLS_CERT_FILE.key() + ")");
        }
        if (token != null) {
            return AuthenticationFactory.token(token.reveal());
        }
        if (tokenFile != null) {
            Path path = Path.of(tokenFile);
            if (!Files.isReadable(path)) {
                throw new ConfigException(RuntimeOptions.AUTH_TOKEN_FILE.key(), tokenFile, "must be a readable file");
            }
            return AuthenticationFactory.token(() -> {
                try {
                    return Files.readString(path).trim();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the token file " + path, e);
                }
            });
        }
        if (certFile != null) {
            for (String file : new String[] {certFile, keyFile}) {
                if (!Files.isReadable(Path.of(file))) {
                    throw new ConfigException(RuntimeOptions.TLS_CERT_FILE.key(), file, "must be a readable file");
                }
            }
            return AuthenticationFactory.TLS(certFile, keyFile);
        }
        return AuthenticationDisabled.INSTANCE;
    }

    private static String credentialsSource(Configuration config) {
        if (config.contains(RuntimeOptions.AUTH_TOKEN)) {
            return "the token of " + RuntimeOptions.AUTH_TOKEN.key();
        }
        if (config.contains(RuntimeOptions.AUTH_TOKEN_FILE)) {
            return "the token in " + config.get(RuntimeOptions.AUTH_TOKEN_FILE);
        }
        if (config.contains(RuntimeOptions.TLS_CERT_FILE)) {
            return "the certificate " + config.get(RuntimeOptions.TLS_CERT_FILE);
        }
        return "no credentials configured: set " + RuntimeOptions.AUTH_TOKEN.key() + " or "
                + RuntimeOptions.TLS_CERT_FILE.key();
    }

    /** pulsar://host:6650 → http://host:8080, pulsar+ssl://host:6651 → https://host:8443. */
    static String adminUrlFor(String serviceUrl) {
        boolean tls = serviceUrl.startsWith("pulsar+ssl://");
        String rest = serviceUrl.substring(serviceUrl.indexOf("://") + 3);
        String firstHost = rest.split(",")[0];
        try {
            URI uri = URI.create("pulsar://" + firstHost);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return (tls ? "https://" : "http://") + uri.getHost() + ":" + (tls ? 8443 : 8080);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(RuntimeOptions.SERVICE_URL.key(), serviceUrl, "must be a URL like pulsar://host:6650");
        }
    }

    public String serviceUrl() {
        return serviceUrl;
    }

    public String adminUrl() {
        return adminUrl;
    }

    public PulsarClient client() {
        return client;
    }

    public PulsarAdmin admin() {
        return admin;
    }

    @Override
    public void close() {
        admin.close();
        closeQuietly(client);
    }

    private static void closeQuietly(PulsarClient client) {
        if (client == null) {
            return;
        }
        try {
            client.close();
        } catch (PulsarClientException ignored) {
            // Closing is best effort: unacknowledged input is re-delivered whatever happens here.
        }
    }
}
