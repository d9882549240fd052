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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Pulsar IO contexts of both adapters share: the connector's configuration map, secrets,
 * counters, metrics and fatal errors. Pulsar Functions state is not offered: a connector that calls
 * it gets an {@link UnsupportedOperationException} saying so.
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
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
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

    private UnsupportedOperationException noState() {
        return new UnsupportedOperationException("connector '" + context.name() + "': Pulsar Functions state is not"
                + " available to Pulsar IO connectors run by Tributary");
    }

    @Override
    public void putState(String key, ByteBuffer value) {
        throw noState();
    }

    @Override
    public CompletableFuture<Void> putStateAsync(String key, ByteBuffer value) {
        return CompletableFuture.failedFuture(noState());
    }

    @Override
    public ByteBuffer getState(String key) {
        throw noState();
    }

    @Override
    public CompletableFuture<ByteBuffer> getStateAsync(String key) {
        return CompletableFuture.failedFuture(noState());
    }

    @Override
    public void deleteState(String key) {
        throw noState();
    }

    @Override
    public CompletableFuture<Void> deleteStateAsync(String key) {
        return CompletableFuture.failedFuture(noState());
    }

    /** Counters live in memory for the run: they start at 0 after a restart. */
    @Override
    public void incrCounter(String key, long amount) {
        counters.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(amount);
    }

    @Override
    public CompletableFuture<Void> incrCounterAsync(String key, long amount) {
        incrCounter(key, amount);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public long getCounter(String key) {
        AtomicLong counter = counters.get(key);
        return counter == null ? 0 : counter.get();
    }

    @Override
    public CompletableFuture<Long> getCounterAsync(String key) {
        return CompletableFuture.completedFuture(getCounter(key));
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
