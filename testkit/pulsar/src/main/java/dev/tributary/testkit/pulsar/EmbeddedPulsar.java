package dev.tributary.testkit.pulsar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.bookkeeper.conf.ServerConfiguration;
import org.apache.pulsar.PulsarStandalone;
import org.apache.pulsar.broker.ServiceConfiguration;
import org.apache.pulsar.broker.authentication.AuthenticationProviderToken;
import org.apache.pulsar.broker.authentication.utils.AuthTokenUtils;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.impl.auth.AuthenticationToken;
import org.apache.pulsar.metadata.bookkeeper.BKCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Pulsar 4.0.7 standalone broker (one bookie, RocksDB metadata store, transaction
 * coordinator enabled) running inside the current JVM, for tests and demos.
 *
 * <p>It listens on free loopback ports and keeps its data in a temporary directory, or in a given
 * directory so that it can be stopped and started again with its data. Start-up takes about five
 * seconds: share one instance per JVM, for example through {@link PulsarExtension}.
 *
 * <pre>{@code
 * try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().build().start()) {
 *     PulsarClient client = pulsar.newClient();
 *     ...
 * }
 * }</pre>
 */
public final class EmbeddedPulsar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPulsar.class);
    // Jersey logs through java.util.logging, outside the SLF4J configuration; a strong reference
    // keeps the level from being garbage-collected with the logger.
    private static final java.util.logging.Logger JERSEY = java.util.logging.Logger.getLogger("org.glassfish.jersey");
    private static final java.util.logging.Logger OTEL = java.util.logging.Logger.getLogger("io.opentelemetry");

    static {
        JERSEY.setLevel(java.util.logging.Level.SEVERE);
        OTEL.setLevel(java.util.logging.Level.WARNING);
    }

    private final Path dataDirectory;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final int webPort;
    private final int bookiePort;
    /** The key tokens are signed with, when token authentication is on; else null. */
    private final javax.crypto.SecretKey tokenKey;
    private final String superUserToken;
    private final int keepAliveSeconds;
    private final TestCertificates tls;
    private final boolean requireClientCertificate;
    private final int brokerTlsPort;
    private final int webTlsPort;
    private final boolean transactions;
    private final int zooKeeperPort;
    private final String advertisedListeners;

    private BKCluster bookies;
    private PulsarStandalone standalone;
    private PulsarAdmin admin;

    private EmbeddedPulsar(Builder builder) {
        try {
            this.deleteOnClose = builder.dataDirectory == null;
            this.dataDirectory = builder.dataDirectory != null
                    ? Files.createDirectories(builder.dataDirectory)
                    : Files.createTempDirectory("tributary-pulsar-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's data directory", e);
        }
        this.brokerPort = builder.brokerPort > 0 ? builder.brokerPort : freePort();
        this.webPort = builder.webPort > 0 ? builder.webPort : freePort();
        this.bookiePort = freePort();
        this.zooKeeperPort = builder.zooKeeperPort;
        this.advertisedListeners = builder.advertisedListeners.isEmpty() ? null
                : "internal:pulsar://127.0.0.1:" + brokerPort + builder.advertisedListeners;
        this.keepAliveSeconds = builder.keepAliveSeconds;
        this.transactions = builder.transactions;
        this.tls = builder.tls;
        this.requireClientCertificate = builder.requireClientCertificate;
        this.brokerTlsPort = tls == null ? -1 : freePort();
        this.webTlsPort = tls == null ? -1 : freePort();
        if (builder.tokenAuthentication) {
            this.tokenKey = AuthTokenUtils.createSecretKey(io.jsonwebtoken.SignatureAlgorithm.HS256);
            this.superUserToken = AuthTokenUtils.createToken(tokenKey, SUPER_USER, Optional.empty());
        } else {
            this.tokenKey = null;
            this.superUserToken = null;
        }
    }

    /** The role of the broker's own clients and of {@link #admin()} when token authentication is on. */
    public static final String SUPER_USER = "tributary-admin";

    /**
     * Signs a token for a role; the broker accepts it when token authentication is on.
     *
     * @param role the role (the token's subject)
     * @return the token
     * @throws IllegalStateException if the broker was built without token authentication
     */
    public String createToken(String role) {
        if (tokenKey == null) {
            throw new IllegalStateException("the broker was built without tokenAuthentication()");
        }
        return AuthTokenUtils.createToken(tokenKey, role, Optional.empty());
    }

    /**
     * A token of the super-user role, or null without token authentication.
     *
     * @return the token
     */
    public String superUserToken() {
        return superUserToken;
    }

    /**
     * Returns a builder for an embedded broker.
     *
     * @return a new builder with free ports and a temporary data directory
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the bookie and the broker and waits until the broker serves the default namespace.
     * A stopped broker can be started again on the same ports and data.
     *
     * @return this broker, started
     * @throws IllegalStateException if the broker is already running or fails to start
     */
    public synchronized EmbeddedPulsar start() {
        if (standalone != null) {
            throw new IllegalStateException("the embedded broker is already running");
        }
        long began = System.nanoTime();
        try {
            String metadataUrl;
            PulsarStandalone broker = new PulsarStandalone();
            if (zooKeeperPort > 0) {
                // The bookie and the metadata live in another process: this one holds only the broker.
                metadataUrl = "zk:127.0.0.1:" + zooKeeperPort;
                broker.setZkPort(zooKeeperPort);
                // The standalone takes its metadata from ZooKeeper when this directory exists.
                broker.setZkDir(Files.createDirectories(dataDirectory.resolve("zookeeper-external")).toString());
            } else {
                metadataUrl = "rocksdb://" + dataDirectory.resolve("metadata").toAbsolutePath();
                bookies = BKCluster.builder()
                        .baseServerConfiguration(bookieConfiguration(dataDirectory))
                        .metadataServiceUri(metadataUrl)
                        .bkPort(bookiePort)
                        .numBookies(1)
                        .dataDir(dataDirectory.resolve("bookkeeper").toString())
                        .clearOldData(false)
                        .build();
                broker.setZkDir(dataDirectory.resolve("zookeeper-unused").toString());
            }
            // Broker-only mode: the bookie is started here or elsewhere, so that its metadata is ours;
            // the standalone still creates the cluster, the namespaces and the transaction-coordinator
            // topic. PulsarStandaloneBuilder replaces any given configuration, so the standalone is set
            // up directly.
            ServiceConfiguration config = brokerConfiguration(metadataUrl);
            config.setRunningStandalone(true);
            broker.setConfig(config);
            broker.setOnlyBroker(true);
            broker.setNoStreamStorage(true);
            broker.setAdvertisedAddress("127.0.0.1");
            broker.setNoFunctionsWorker(true);
            broker.start();
            standalone = broker;
            var adminBuilder = PulsarAdmin.builder().serviceHttpUrl(httpUrl());
            if (superUserToken != null) {
                adminBuilder.authentication(AuthenticationFactory.token(superUserToken));
            }
            admin = adminBuilder.build();
        } catch (Exception e) {
            stopQuietly();
            throw new IllegalStateException("the embedded Pulsar broker failed to start: " + e, e);
        }
        LOG.info("Embedded Pulsar {} started in {} ms at {} (admin {}, data {})",
                org.apache.pulsar.PulsarVersion.getVersion(), (System.nanoTime() - began) / 1_000_000,
                serviceUrl(), httpUrl(), dataDirectory);
        return this;
    }

    /** The bookie's settings, for the bookie of this process or of a storage process. */
    static ServerConfiguration bookieConfiguration(Path dataDirectory) {
        ServerConfiguration conf = new ServerConfiguration();
        conf.setAllowLoopback(true);
        // Tests need durability against a process crash of the job, not of the machine.
        conf.setJournalSyncData(false);
        conf.setProperty("dbStorage_writeCacheMaxSizeMb", 64);
        conf.setProperty("dbStorage_readAheadCacheMaxSizeMb", 32);
        conf.setProperty("dbStorage_rocksDB_blockCacheSize", 16L * 1024 * 1024);
        conf.setProperty("ledgerDirectories", dataDirectory.resolve("bookkeeper").toString());
        return conf;
    }

    private ServiceConfiguration brokerConfiguration(String metadataUrl) {
        ServiceConfiguration conf = new ServiceConfiguration();
        conf.setClusterName("standalone");
        conf.setMetadataStoreUrl(metadataUrl);
        conf.setConfigurationMetadataStoreUrl(metadataUrl);
        conf.setAdvertisedAddress("127.0.0.1");
        conf.setBindAddress("127.0.0.1");
        conf.setBrokerServicePort(Optional.of(brokerPort));
        conf.setWebServicePort(Optional.of(webPort));
        conf.setManagedLedgerDefaultEnsembleSize(1);
        conf.setManagedLedgerDefaultWriteQuorum(1);
        conf.setManagedLedgerDefaultAckQuorum(1);
        conf.setTransactionCoordinatorEnabled(transactions);
        // A transaction may acknowledge part of a batch (the rest goes with the next commit).
        conf.setAcknowledgmentAtBatchIndexLevelEnabled(transactions);
        conf.setSystemTopicEnabled(true);
        conf.setTopicLevelPoliciesEnabled(true);
        conf.setAllowAutoTopicCreation(true);
        // Topics of a stopped test job must survive until the test reads them.
        conf.setBrokerDeleteInactiveTopicsEnabled(false);
        conf.setFunctionsWorkerEnabled(false);
        conf.setWebSocketServiceEnabled(false);
        conf.setBrokerShutdownTimeoutMs(0L);
        conf.setManagedLedgerCacheSizeMB(64);
        conf.setNumIOThreads(2);
        conf.setNumHttpServerThreads(8);
        conf.setMaxMessageSize(5 * 1024 * 1024);
        conf.setKeepAliveIntervalSeconds(keepAliveSeconds);
        if (advertisedListeners != null) {
            conf.setAdvertisedListeners(advertisedListeners);
            conf.setInternalListenerName("internal");
        }
        if (zooKeeperPort > 0) {
            // A killed broker's ownerships lapse with its ZooKeeper session; 30 s by default.
            conf.setMetadataStoreSessionTimeoutMillis(6_000);
        }
        if (tls != null) {
            conf.setBrokerServicePortTls(Optional.of(brokerTlsPort));
            conf.setWebServicePortTls(Optional.of(webTlsPort));
            conf.setTlsCertificateFilePath(tls.brokerCertificate().toString());
            conf.setTlsKeyFilePath(tls.brokerKey().toString());
            conf.setTlsTrustCertsFilePath(tls.caCertificate().toString());
            conf.setTlsRequireTrustedClientCertOnConnect(requireClientCertificate);
            conf.setTlsAllowInsecureConnection(false);
        }
        if (tokenKey != null) {
            conf.setAuthenticationEnabled(true);
            conf.setAuthenticationProviders(java.util.Set.of(AuthenticationProviderToken.class.getName()));
            conf.getProperties().setProperty("tokenSecretKey", "data:;base64," + AuthTokenUtils.encodeKeyBase64(tokenKey));
            conf.setSuperUserRoles(java.util.Set.of(SUPER_USER));
            // Roles other than the super-user can do only what they were granted, as on a real cluster.
            conf.setAuthorizationEnabled(true);
            conf.setBrokerClientAuthenticationPlugin(AuthenticationToken.class.getName());
            conf.setBrokerClientAuthenticationParameters("token:" + superUserToken);
        }
        return conf;
    }

    /**
     * Stops the broker and the bookie, keeping the data directory, so that {@link #start()} can
     * bring the same broker back with its data.
     */
    public synchronized void stop() {
        stopQuietly();
        LOG.info("Embedded Pulsar stopped (data kept in {})", dataDirectory);
    }

    private void stopQuietly() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (standalone != null) {
            standalone.close();
            standalone = null;
        }
        if (bookies != null) {
            try {
                bookies.close();
            } catch (Exception e) {
                LOG.warn("bookie did not close cleanly: {}", e.toString());
            }
            bookies = null;
        }
    }

    /** Stops the broker and, if the data directory was temporary, deletes it. */
    @Override
    public synchronized void close() {
        stopQuietly();
        if (deleteOnClose) {
            deleteRecursively(dataDirectory);
        }
    }

    /**
     * Whether the broker is running.
     *
     * @return true between {@link #start()} and {@link #stop()} or {@link #close()}
     */
    public synchronized boolean isRunning() {
        return standalone != null;
    }

    /**
     * The settings a Tributary job needs to run on this broker, by their keys: {@code application.id},
     * {@code pulsar.service.url} and {@code pulsar.admin.url} (for {@code Configuration.of}).
     *
     * @param applicationId the job's application id
     * @return the settings
     */
    public java.util.Map<String, String> jobSettings(String applicationId) {
        return java.util.Map.of("application.id", applicationId, "pulsar.service.url", serviceUrl(),
                "pulsar.admin.url", httpUrl());
    }

    /**
     * The binary protocol URL clients connect to.
     *
     * @return for example {@code pulsar://127.0.0.1:41234}
     */
    public String serviceUrl() {
        return "pulsar://127.0.0.1:" + brokerPort;
    }

    /**
     * The TLS binary protocol URL, when the broker was built with {@link Builder#tls}.
     *
     * @return for example {@code pulsar+ssl://127.0.0.1:41236}
     */
    public String serviceUrlTls() {
        if (tls == null) {
            throw new IllegalStateException("the broker was built without tls()");
        }
        return "pulsar+ssl://127.0.0.1:" + brokerTlsPort;
    }

    /**
     * The HTTPS URL of the admin REST API, when the broker was built with {@link Builder#tls}.
     *
     * @return for example {@code https://127.0.0.1:41237}
     */
    public String httpsUrl() {
        if (tls == null) {
            throw new IllegalStateException("the broker was built without tls()");
        }
        return "https://127.0.0.1:" + webTlsPort;
    }

    /**
     * The HTTP URL of the admin REST API.
     *
     * @return for example {@code http://127.0.0.1:41235}
     */
    public String httpUrl() {
        return "http://127.0.0.1:" + webPort;
    }

    /**
     * The directory holding the broker's metadata and ledgers.
     *
     * @return the data directory
     */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * An admin client for this broker, owned by it (do not close it).
     *
     * @return the shared admin client
     * @throws IllegalStateException if the broker is not running
     */
    public synchronized PulsarAdmin admin() {
        if (admin == null) {
            throw new IllegalStateException("the embedded broker is not running");
        }
        return admin;
    }

    /**
     * Creates a new client for this broker, with transactions enabled. The caller closes it.
     *
     * @return a new client
     */
    public PulsarClient newClient() {
        try {
            var builder = PulsarClient.builder().serviceUrl(serviceUrl()).enableTransaction(true);
            if (superUserToken != null) {
                builder.authentication(AuthenticationFactory.token(superUserToken));
            }
            return builder.build();
        } catch (PulsarClientException e) {
            throw new IllegalStateException("cannot create a client for " + serviceUrl(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", root, e.toString());
        }
    }

    /** Options of an {@link EmbeddedPulsar}. */
    public static final class Builder {
        private Path dataDirectory;
        private int brokerPort;
        private int webPort;
        private boolean tokenAuthentication;
        private int keepAliveSeconds = 30;
        private TestCertificates tls;
        private boolean requireClientCertificate;
        private boolean transactions = true;
        private int zooKeeperPort;
        private String advertisedListeners = "";

        private Builder() {
        }

        /**
         * Advertises a second listener: clients that connect with this listener name are told to reach
         * the broker at this port of 127.0.0.1 (where a test puts a proxy, say), others at its own port.
         *
         * @param name the listener's name, as clients give it
         * @param port the port it advertises
         * @return this builder
         */
        public Builder advertisedListener(String name, int port) {
            this.advertisedListeners += "," + name + ":pulsar://127.0.0.1:" + port;
            return this;
        }

        /**
         * Runs only the broker, with its metadata in the ZooKeeper at this port of 127.0.0.1 and its
         * ledgers on the bookies registered there: the broker can then be killed and started again
         * while its storage stays up, as in a real cluster ({@link BrokerProcess}).
         *
         * @param port the ZooKeeper port
         * @return this builder
         */
        public Builder zooKeeper(int port) {
            this.zooKeeperPort = port;
            return this;
        }

        /**
         * Opens TLS ports beside the plain ones ({@link EmbeddedPulsar#serviceUrlTls()},
         * {@link EmbeddedPulsar#httpsUrl()}) with the broker certificate of these files.
         *
         * @param certificates the broker's certificate and key and the authority clients must be signed by
         * @param requireClientCertificate whether TLS clients must present a certificate signed by the
         *     authority (mutual TLS)
         * @return this builder
         */
        public Builder tls(TestCertificates certificates, boolean requireClientCertificate) {
            this.tls = certificates;
            this.requireClientCertificate = requireClientCertificate;
            return this;
        }

        /**
         * Runs the broker without the transaction coordinator (and without batch-index
         * acknowledgements), as brokers are configured by default: for tests of what a job under
         * exactly-once says to such a broker.
         *
         * @return this builder
         */
        public Builder withoutTransactions() {
            this.transactions = false;
            return this;
        }

        /**
         * How often the broker pings each client connection; a client that misses a ping for one interval is
         * disconnected (default 30 s). Short intervals make a paused client lose its consumers quickly.
         *
         * @param interval the interval, at least one second
         * @return this builder
         */
        public Builder keepAliveInterval(java.time.Duration interval) {
            this.keepAliveSeconds = (int) Math.max(1, interval.toSeconds());
            return this;
        }

        /**
         * Turns on token authentication: clients must present a token signed by this broker's key
         * ({@link EmbeddedPulsar#createToken}); {@link EmbeddedPulsar#admin()} and
         * {@link EmbeddedPulsar#newClient()} use a super-user token.
         *
         * @return this builder
         */
        public Builder tokenAuthentication() {
            this.tokenAuthentication = true;
            return this;
        }

        /**
         * Keeps the broker's data in this directory (created if missing) and does not delete it on
         * close, so that a later broker can start on the same data.
         *
         * @param directory the data directory
         * @return this builder
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = directory;
            return this;
        }

        /**
         * Fixes the binary protocol port instead of choosing a free one.
         *
         * @param port the port
         * @return this builder
         */
        public Builder brokerPort(int port) {
            this.brokerPort = port;
            return this;
        }

        /**
         * Fixes the HTTP port instead of choosing a free one.
         *
         * @param port the port
         * @return this builder
         */
        public Builder webPort(int port) {
            this.webPort = port;
            return this;
        }

        /**
         * Creates the broker, not yet started.
         *
         * @return the broker
         */
        public EmbeddedPulsar build() {
            return new EmbeddedPulsar(this);
        }
    }
}
