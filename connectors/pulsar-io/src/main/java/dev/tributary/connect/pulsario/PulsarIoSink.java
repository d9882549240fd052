package dev.tributary.connect.pulsario;

import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.connect.Sink;
import dev.tributary.dsl.connect.SinkContext;
import dev.tributary.dsl.connect.SinkRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.io.SinkConfig;
import org.apache.pulsar.functions.api.Record;

/**
 * Runs a Pulsar IO sink inside a job. Each record of a batch is handed to the connector's
 * {@code write}; the batch counts as written once the connector called {@link Record#ack()} on every
 * record. A record it {@link Record#fail() fails} (or whose {@code write} throws) is retried while its
 * key waits, then follows the error policy; a batch not settled within {@code ack-timeout} is written
 * again whole, as for an unavailable target. A record's {@code getSchema()} is the schema of the
 * stream written to the sink, or, when the topology does not know it (after a {@code map}), one that
 * fits the value's type.
 *
 * <p>Settings: {@code config} (the JSON object handed to {@code open}) and {@code config-file},
 * {@code secrets}, {@code ack-timeout}, and, when added by type ({@code connector.<name>.type=pulsar-io}),
 * {@code class} or {@code nar} (a connector package, whose {@code sinkClass} it runs).
 *
 * @param <T> the connector's value type
 */
public final class PulsarIoSink<T> implements Sink<Object, Object> {
    static final ConfigOption<Duration> ACK_TIMEOUT = ConfigOption.key("ack-timeout").durationType()
            .defaultValue(Duration.ofSeconds(30)).check(d -> d.toMillis() > 0, "must be positive")
            .description("How long a batch waits for the connector to ack or fail every record.");

    private org.apache.pulsar.io.core.Sink<T> sink;
    private Context io;
    private long ackTimeoutMillis;
    /** The schema of the values the sink receives, when the topology knows it. */
    private Schema<?> valueSchema;
    /** The class loader of the connector's package, when it came from one. */
    private ClassLoader packageLoader;

    /**
     * Adapts a Pulsar IO sink.
     *
     * @param sink the connector
     */
    public PulsarIoSink(org.apache.pulsar.io.core.Sink<T> sink) {
        this.sink = sink;
    }

    /** For connectors added by type: the class comes from {@code connector.<name>.class}. */
    PulsarIoSink() {
    }

    @Override
    public List<ConfigOption<?>> options() {
        List<ConfigOption<?>> options = new ArrayList<>(IoContext.OPTIONS);
        options.add(ACK_TIMEOUT);
        return options;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(SinkContext context) throws Exception {
        io = new Context(context);
        if (sink == null) {
            IoContext.Made<org.apache.pulsar.io.core.Sink> made = IoContext.make(context,
                    org.apache.pulsar.io.core.Sink.class, "sinkClass");
            sink = made.connector();
            packageLoader = made.packageLoader();
        }
        ackTimeoutMillis = context.config().get(ACK_TIMEOUT).toMillis();
        valueSchema = context.valueSchema().orElse(null);
        Map<String, Object> config = io.configMap();
        NarPackage.within(packageLoader, () -> {
            sink.open(config, io);
            return null;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public void write(List<SinkRecord<Object, Object>> records) throws Exception {
        if (io.fatal() != null) {
            throw new IllegalStateException("the Pulsar IO sink reported a fatal error: " + io.fatal(), io.fatal());
        }
        List<CompletableFuture<Boolean>> settled = new ArrayList<>(records.size());
        for (SinkRecord<Object, Object> record : records) {
            IoRecord<T> io = new IoRecord<>((SinkRecord<Object, T>) (SinkRecord<?, ?>) record, valueSchema);
            settled.add(io.settled);
            try {
                NarPackage.within(packageLoader, () -> {
                    sink.write(io);
                    return null;
                });
            } catch (Exception e) {
                io.settled.complete(false);
                record.fail(e, true);
            }
        }
        try {
            CompletableFuture.allOf(settled.toArray(new CompletableFuture[0])).get(ackTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            long open = settled.stream().filter(f -> !f.isDone()).count();
            throw new TimeoutException(open + " of " + records.size() + " record(s) were neither acked nor failed by the"
                    + " Pulsar IO sink within " + ackTimeoutMillis + " ms");
        }
        for (int i = 0; i < records.size(); i++) {
            if (!settled.get(i).join()) {
                records.get(i).fail(new IllegalStateException("the Pulsar IO sink failed the record"), true);
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (sink != null) {
            NarPackage.within(packageLoader, () -> {
                sink.close();
                return null;
            });
        }
    }

    /** A record as Pulsar IO sinks see it. */
    private static final class IoRecord<T> implements Record<T> {
        private final SinkRecord<Object, T> record;
        private final Schema<?> schema;
        final CompletableFuture<Boolean> settled = new CompletableFuture<>();

        IoRecord(SinkRecord<Object, T> record, Schema<?> schema) {
            this.record = record;
            this.schema = schema;
        }

        /** The stream's value schema, else one that fits the value's type (JSON for other objects). */
        @Override
        @SuppressWarnings("unchecked")
        public Schema<T> getSchema() {
            return (Schema<T>) (schema != null ? schema : schemaOf(record.value()));
        }

        @Override
        public Optional<String> getKey() {
            return Optional.ofNullable(record.key()).map(Object::toString);
        }

        @Override
        public T getValue() {
            return record.value();
        }

        @Override
        public Optional<Long> getEventTime() {
            return Optional.of(record.timestamp());
        }

        @Override
        public Map<String, String> getProperties() {
            return record.properties();
        }

        @Override
        public void ack() {
            settled.complete(true);
        }

        @Override
        public void fail() {
            settled.complete(false);
        }
    }

    static Schema<?> schemaOf(Object value) {
        if (value == null || value instanceof byte[]) {
            return Schema.BYTES;
        } else if (value instanceof String) {
            return Schema.STRING;
        } else if (value instanceof Long) {
            return Schema.INT64;
        } else if (value instanceof Integer) {
            return Schema.INT32;
        } else if (value instanceof Double) {
            return Schema.DOUBLE;
        } else if (value instanceof Float) {
            return Schema.FLOAT;
        } else if (value instanceof Boolean) {
            return Schema.BOOL;
        } else if (value instanceof Short) {
            return Schema.INT16;
        } else if (value instanceof Byte) {
            return Schema.INT8;
        }
        return Schema.JSON(value.getClass());
    }

    /** The Pulsar IO view of the sink's context. */
    private static final class Context extends IoContext implements org.apache.pulsar.io.core.SinkContext {
        Context(SinkContext context) {
            super(context);
        }

        @Override
        public String getSinkName() {
            return context().name();
        }

        @Override
        public Collection<String> getInputTopics() {
            return List.of();
        }

        @Override
        public SinkConfig getSinkConfig() {
            SinkConfig config = new SinkConfig();
            config.setName(context().name());
            config.setConfigs(configMap());
            return config;
        }
    }
}
