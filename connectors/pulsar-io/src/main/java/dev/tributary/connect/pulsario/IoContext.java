package dev.tributary.connect.pulsario;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.connect.ConnectorContext;
import dev.tributary.dsl.connect.ConnectorMetrics;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Pulsar IO contexts of both adapters share: the connector's configuration map, secrets,
 * state and counters (in the job's connector state), metrics and fatal errors.
 */
abstract class IoContext implements org.apache.pulsar.functions.api.BaseContext {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The connector's class, for connectors added by type. */
    static final ConfigOption<String> CLASS = ConfigOption.key("class").stringType()
            .description("For connectors added by type: the class implementing org.apache.pulsar.io.core.Source or Sink,"
                    + " with a public no-argument constructor.");
    /** The connector's own configuration. */
    static final ConfigOption<String> CONFIG = ConfigOption.key("config").stringType().defaultValue("{}")
            .check(IoContext::isJsonObject, "must be a JSON object")
            .description("The configuration map handed to the connector's open(), as a JSON object.");
    /** Secrets by name. */
    static final ConfigOption<dev.tributary.dsl.config.Secret> SECRETS = ConfigOption.key("secrets").secretType()
            .description("A JSON object of secrets the connector reads with getSecret(name); never printed.");

    /** A connector package to load the connector from. */
    static final ConfigOption<String> NAR = ConfigOption.key("nar").stringType()
            .description("A Pulsar IO connector package (.nar) to run: loaded into a class loader of its own, its"
                    + " source or sink class read from its META-INF/services/pulsar-io.yaml (class overrides it).");
    /** The connector's configuration as a file. */
    static final ConfigOption<String> CONFIG_FILE = ConfigOption.key("config-file").stringType()
            .description("The connector's configuration as a YAML or JSON file: the format of pulsar-admin's"
                    + " --source-config-file and --sink-config-file (its 'configs' map is handed to open()), or the"
                    + " map itself. Entries of config override it.");

    static final List<ConfigOption<?>> OPTIONS = List.of(CLASS, NAR, CONFIG, CONFIG_FILE, SECRETS);

    private final ConnectorContext context;
    private final Object counterLock = new Object();
    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final Map<String, String> secrets;

    IoContext(ConnectorContext context) {
        this.context = context;
        dev.tributary.dsl.config.Secret secret = context.config().get(SECRETS);
        this.secrets = secret == null ? Map.of() : parse(secret.reveal(), new TypeReference<Map<String, String>>() { });
    }

    private static boolean isJsonObject(String text) {
        try {
            return JSON.readTree(text).isObject();
        } catch (Exception e) {
            return false;
        }
    }

    private static <T> T parse(String text, TypeReference<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
        }
    }

    Map<String, Object> configMap() {
        Map<String, Object> config = new HashMap<>();
        String file = context.config().get(CONFIG_FILE);
        if (file != null) {
            config.putAll(NarPackage.configFile(java.nio.file.Path.of(file)));
        }
        config.putAll(parse(context.config().get(CONFIG), new TypeReference<Map<String, Object>>() { }));
        return config;
    }

    ConnectorContext context() {
        return context;
    }

    Throwable fatal() {
        return fatal.get();
    }

    @Override
    public String getTenant() {
        return "tributary";
    }

    @Override
    public String getNamespace() {
        return context.applicationId();
    }

    @Override
    public int getInstanceId() {
        return 0;
    }

    @Override
    public int getNumInstances() {
        return 1;
    }

    @Override
    public Logger getLogger() {
        return LoggerFactory.getLogger("pulsar-io." + context.name());
    }

    @Override
    public String getSecret(String name) {
        return secrets.get(name);
    }

    /*
     * Pulsar Functions state, kept in the job's connector state (a compacted topic, shared by the
     * instances). Counters live there too, as Pulsar keeps them: 8-byte big-endian values.
     */

    @Override
    public void putState(String key, ByteBuffer value) {
        join(putStateAsync(key, value), "putState", key);
    }

    @Override
    public CompletableFuture<Void> putStateAsync(String key, ByteBuffer value) {
        byte[] bytes = new byte[value.remaining()];
        value.duplicate().get(bytes);
        return bytes.length == 0 ? context.state().delete(key) : context.state().put(key, bytes);
    }

    @Override
    public ByteBuffer getState(String key) {
        return context.state().get(key).map(ByteBuffer::wrap).orElse(null);
    }

    @Override
    public CompletableFuture<ByteBuffer> getStateAsync(String key) {
        return CompletableFuture.completedFuture(getState(key));
    }

    @Override
    public void deleteState(String key) {
        join(deleteStateAsync(key), "deleteState", key);
    }

    @Override
    public CompletableFuture<Void> deleteStateAsync(String key) {
        return context.state().delete(key);
    }

    /**
     * Adds to a counter. Increments from one instance are serialized; increments that several instances
     * make to the same counter at the same moment can overwrite each other (the last write wins).
     */
    @Override
    public void incrCounter(String key, long amount) {
        join(incrCounterAsync(key, amount), "incrCounter", key);
    }

    @Override
    public CompletableFuture<Void> incrCounterAsync(String key, long amount) {
        synchronized (counterLock) {
            long now = getCounter(key) + amount;
            return context.state().put(key, ByteBuffer.allocate(Long.BYTES).putLong(now).array());
        }
    }

    @Override
    public long getCounter(String key) {
        return context.state().get(key).map(bytes -> bytes.length == Long.BYTES ? ByteBuffer.wrap(bytes).getLong() : 0L)
                .orElse(0L);
    }

    @Override
    public CompletableFuture<Long> getCounterAsync(String key) {
        return CompletableFuture.completedFuture(getCounter(key));
    }

    private void join(CompletableFuture<Void> write, String call, String key) {
        try {
            write.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new IllegalStateException("connector '" + context.name() + "': " + call + "('" + key + "') failed: "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Published as the gauge {@code tributary_connector_io_metric{metric=<name>}} (the last value). */
    @Override
    public void recordMetric(String name, double value) {
        gauges.computeIfAbsent(name, n -> {
            AtomicReference<Double> holder = new AtomicReference<>(0.0);
            ConnectorMetrics metrics = context.metrics();
            metrics.gauge("io.metric", holder::get, "metric", n);
            return holder;
        }).set(value);
    }

    @Override
    public void fatal(Throwable error) {
        fatal.compareAndSet(null, error);
        getLogger().error("Connector '{}' reported a fatal error: {}", context.name(), error.toString());
    }

    /** A connector made from the settings, and the class loader of its package (null without one). */
    record Made<C>(C connector, ClassLoader packageLoader) {
    }

    /**
     * Makes the connector a job added by type: from its {@code nar} package, or its {@code class}.
     *
     * @param kind {@code sourceClass} or {@code sinkClass}, the package's entry to run
     */
    static <C> Made<C> make(ConnectorContext context, Class<C> type, String kind) {
        String nar = context.config().get(NAR);
        if (nar == null) {
            return new Made<>(instantiate(context.config().get(CLASS), type, context.name()), null);
        }
        NarPackage connector = NarPackage.open(java.nio.file.Path.of(nar));
        return new Made<>(connector.instantiate(kind, context.config().get(CLASS), type, context.name()),
                connector.loader());
    }

    static <T> T instantiate(String className, Class<T> type, String name) {
        if (className == null) {
            throw new IllegalArgumentException("connector." + name + ".class must name the " + type.getName()
                    + " implementation");
        }
        try {
            Object instance = Class.forName(className, true, Thread.currentThread().getContextClassLoader())
                    .getDeclaredConstructor().newInstance();
            if (!type.isInstance(instance)) {
                throw new IllegalArgumentException("connector." + name + ".class '" + className + "' is not a "
                        + type.getName());
            }
            return type.cast(instance);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("connector." + name + ".class '" + className + "' cannot be created: " + e,
                    e);
        }
    }
}
