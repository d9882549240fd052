package dev.tributary.connect.pulsario;

import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.connect.Source;
import dev.tributary.dsl.connect.SourceContext;
import dev.tributary.dsl.connect.SourceRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.client.api.ConsumerBuilder;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.common.io.SourceConfig;
import org.apache.pulsar.functions.api.Record;

/**
 * Runs a Pulsar IO source inside a job. Every record {@code read()} returns is emitted to the
 * topic; the connector's {@link Record#ack()} is called once the broker stored it and
 * {@link Record#fail()} if it did not, which is the contract Pulsar IO connectors build their own
 * positions on. Values that are byte arrays are written as they are; others are encoded with the
 * schema the source was added with, or with the record's own schema when it names another topic.
 * Messages the connector builds with {@code newOutputMessage} go the same way, each to its topic.
 * {@code putState}, {@code getState} and counters are kept in the job's connector state.
 *
 * <p>Settings: {@code config} (the JSON object handed to {@code open}) and {@code config-file},
 * {@code secrets}, and, when added by type ({@code connector.<name>.type=pulsar-io}), {@code class} or
 * {@code nar} (a connector package, whose {@code sourceClass} it runs; its values, unknown to the job,
 * are written with the record's schema, as they are if text, else as JSON).
 *
 * @param <T> the connector's value type
 */
public final class PulsarIoSource<T> implements Source<Object> {
    private org.apache.pulsar.io.core.Source<T> source;
    private Context io;
    /** The class loader of the connector's package, when it came from one. */
    private ClassLoader packageLoader;

    /**
     * Adapts a Pulsar IO source.
     *
     * @param source the connector
     */
    public PulsarIoSource(org.apache.pulsar.io.core.Source<T> source) {
        this.source = source;
    }

    /** For connectors added by type: the class comes from {@code connector.<name>.class}. */
    PulsarIoSource() {
    }

    @Override
    public List<ConfigOption<?>> options() {
        return IoContext.OPTIONS;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(SourceContext<Object> context) throws Exception {
        io = new Context(context);
        if (source == null) {
            IoContext.Made<org.apache.pulsar.io.core.Source> made = IoContext.make(context,
                    org.apache.pulsar.io.core.Source.class, "sourceClass");
            source = made.connector();
            packageLoader = made.packageLoader();
        }
        Map<String, Object> config = io.configMap();
        NarPackage.within(packageLoader, () -> {
            source.open(config, io);
            return null;
        });
    }

    @Override
    public void run(SourceContext<Object> context) throws Exception {
        while (!context.stopping()) {
            if (io.fatal() != null) {
                throw new IllegalStateException("the Pulsar IO source reported a fatal error: " + io.fatal(), io.fatal());
            }
            Record<T> record;
            try {
                record = NarPackage.within(packageLoader, source::read);
            } catch (InterruptedException e) {
                if (context.stopping()) {
                    return;
                }
                throw e;
            }
            if (record == null) {
                continue;
            }
            SourceRecord<Object> out;
            T value = record.getValue();
            Optional<String> destination = record.getDestinationTopic();
            if (value instanceof byte[] bytes) {
                out = SourceRecord.encoded(bytes);
            } else if (destination.isPresent() && record.getSchema() != null) {
                out = SourceRecord.encoded(record.getSchema().encode(value)).schema(record.getSchema());
            } else if (packageLoader != null) {
                // The package's classes are unknown to the job: its own schema encodes them, else JSON.
                out = SourceRecord.encoded(record.getSchema() != null ? record.getSchema().encode(value)
                        : value instanceof String text ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                        : IoContext.JSON.writeValueAsBytes(value));
            } else {
                out = SourceRecord.of(value);
            }
            destination.ifPresent(out::topic);
            record.getKey().ifPresent(out::key);
            record.getEventTime().ifPresent(out::eventTime);
            record.getProperties().forEach(out::property);
            context.emit(out).whenComplete((stored, error) -> {
                if (error == null) {
                    record.ack();
                } else {
                    record.fail();
                }
            });
        }
    }

    @Override
    public void close() throws Exception {
        if (source != null) {
            NarPackage.within(packageLoader, () -> {
                source.close();
                return null;
            });
        }
    }

    /** The Pulsar IO view of the source's context. */
    private static final class Context extends IoContext implements org.apache.pulsar.io.core.SourceContext {
        private final SourceContext<Object> context;

        Context(SourceContext<Object> context) {
            super(context);
            this.context = context;
        }

        @Override
        public String getSourceName() {
            return context.name();
        }

        @Override
        public String getOutputTopic() {
            return context.topic();
        }

        @Override
        public SourceConfig getSourceConfig() {
            SourceConfig config = new SourceConfig();
            config.setName(context.name());
            config.setTopicName(context.topic());
            config.setConfigs(configMap());
            return config;
        }

        /** Sent like a record read() returns: see {@link OutputMessage}. */
        @Override
        public <X> TypedMessageBuilder<X> newOutputMessage(String topic, Schema<X> schema) throws PulsarClientException {
            return new OutputMessage<>(context, topic, schema);
        }

        @Override
        public <X> ConsumerBuilder<X> newConsumerBuilder(Schema<X> schema) throws PulsarClientException {
            throw new UnsupportedOperationException("connector '" + context.name() + "': newConsumerBuilder is not"
                    + " supported by Tributary; read topics with StreamBuilder.stream");
        }
    }
}
