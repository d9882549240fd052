package dev.tributary.connect.pulsario;

import dev.tributary.dsl.connect.SourceContext;
import dev.tributary.dsl.connect.SourceRecord;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;

/**
 * A message a Pulsar IO source builds with {@code SourceContext.newOutputMessage}: sent through the
 * job's source writer like a record {@code read()} returns, so that it is batched by key group and
 * bounded by {@code max-in-flight}. The value is encoded with the schema the connector gave, which a
 * topic without a schema gets, and a topic with one must accept. What the job's
 * writer cannot honour (delivery delays, replication choices, sequence ids) is refused by name.
 */
final class OutputMessage<T> implements TypedMessageBuilder<T> {
    private static final long serialVersionUID = 1L;

    private final transient SourceContext<Object> context;
    private final String topic;
    private final transient Schema<T> schema;
    private final String connector;
    private String key;
    private T value;
    private final Map<String, String> properties = new HashMap<>();
    private long eventTime;

    OutputMessage(SourceContext<Object> context, String topic, Schema<T> schema) {
        this.context = context;
        this.topic = topic;
        this.schema = schema;
        this.connector = context.name();
    }

    private UnsupportedOperationException unsupported(String call) {
        return new UnsupportedOperationException("connector '" + connector + "': newOutputMessage(...)." + call
                + " is not supported by Tributary: the job's writer batches by key group and orders by key");
    }

    @Override
    public MessageId send() throws PulsarClientException {
        try {
            return sendAsync().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PulsarClientException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof PulsarClientException pulsar ? pulsar : new PulsarClientException(e.getCause());
        }
    }

    @Override
    public CompletableFuture<MessageId> sendAsync() {
        SourceRecord<Object> record = SourceRecord.encoded(value == null ? new byte[0] : schema.encode(value));
        record.topic(topic).schema(schema);
        if (key != null) {
            record.key(key);
        }
        if (eventTime > 0) {
            record.eventTime(eventTime);
        }
        properties.forEach(record::property);
        return context.emit(record);
    }

    @Override
    public TypedMessageBuilder<T> key(String key) {
        this.key = key;
        return this;
    }

    /** Keys are text in the job; bytes become their Base64 form, as Pulsar itself shows them. */
    @Override
    public TypedMessageBuilder<T> keyBytes(byte[] key) {
        this.key = Base64.getEncoder().encodeToString(key);
        return this;
    }

    @Override
    public TypedMessageBuilder<T> orderingKey(byte[] orderingKey) {
        throw unsupported("orderingKey");
    }

    @Override
    public TypedMessageBuilder<T> value(T value) {
        this.value = value;
        return this;
    }

    @Override
    public TypedMessageBuilder<T> property(String name, String value) {
        properties.put(name, value);
        return this;
    }

    @Override
    public TypedMessageBuilder<T> properties(Map<String, String> properties) {
        this.properties.putAll(properties);
        return this;
    }

    @Override
    public TypedMessageBuilder<T> eventTime(long timestamp) {
        this.eventTime = timestamp;
        return this;
    }

    @Override
    public TypedMessageBuilder<T> sequenceId(long sequenceId) {
        throw unsupported("sequenceId");
    }

    @Override
    public TypedMessageBuilder<T> replicationClusters(List<String> clusters) {
        throw unsupported("replicationClusters");
    }

    @Override
    public TypedMessageBuilder<T> disableReplication() {
        throw unsupported("disableReplication");
    }

    @Override
    public TypedMessageBuilder<T> deliverAt(long timestamp) {
        throw unsupported("deliverAt");
    }

    @Override
    public TypedMessageBuilder<T> deliverAfter(long delay, TimeUnit unit) {
        throw unsupported("deliverAfter");
    }

    /** The keys Pulsar defines for loadConf; those the job cannot honour are refused as their calls are. */
    @Override
    @SuppressWarnings("unchecked")
    public TypedMessageBuilder<T> loadConf(Map<String, Object> config) {
        config.forEach((name, value) -> {
            switch (name) {
                case CONF_KEY -> key((String) value);
                case CONF_PROPERTIES -> properties((Map<String, String>) value);
                case CONF_EVENT_TIME -> eventTime(((Number) value).longValue());
                case CONF_SEQUENCE_ID -> sequenceId(((Number) value).longValue());
                case CONF_REPLICATION_CLUSTERS -> replicationClusters((List<String>) value);
                case CONF_DISABLE_REPLICATION -> {
                    if (Boolean.TRUE.equals(value)) {
                        disableReplication();
                    }
                }
                case CONF_DELIVERY_AFTER_SECONDS -> deliverAfter(((Number) value).longValue(), TimeUnit.SECONDS);
                case CONF_DELIVERY_AT -> deliverAt(((Number) value).longValue());
                default -> throw new IllegalArgumentException("connector '" + connector + "': newOutputMessage(...)"
                        + ".loadConf has no setting '" + name + "'");
            }
        });
        return this;
    }

    @Override
    public String toString() {
        return "output message to " + topic + (key == null ? "" : " with key " + key);
    }
}
