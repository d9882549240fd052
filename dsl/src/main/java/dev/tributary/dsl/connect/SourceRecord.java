package dev.tributary.dsl.connect;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A record a source emits: a value (typed, or bytes already encoded for the topic's schema), and
 * optionally a key, an event time, properties and another topic. Built
 * fluently on one thread, then emitted.
 *
 * @param <V> the value type
 */
public final class SourceRecord<V> {
    private final V value;
    private final byte[] encoded;
    private String key;
    private long eventTime;
    private String topic;
    private org.apache.pulsar.client.api.Schema<?> schema;
    private Map<String, String> properties = Map.of();

    private SourceRecord(V value, byte[] encoded) {
        this.value = value;
        this.encoded = encoded;
    }

    /**
     * A record with a typed value, encoded with the schema the source was added with.
     *
     * @param value the value, not null
     * @param <V> the value type
     * @return the record
     */
    public static <V> SourceRecord<V> of(V value) {
        return new SourceRecord<>(Objects.requireNonNull(value, "value"), null);
    }

    /**
     * A record whose value is already encoded for its topic's schema (JSON text for a JSON topic, UTF-8
     * for a string topic); the topic's schema checks it when it is written.
     *
     * @param bytes the encoded value, not null
     * @param <V> the value type of the source
     * @return the record
     */
    public static <V> SourceRecord<V> encoded(byte[] bytes) {
        return new SourceRecord<>(null, Objects.requireNonNull(bytes, "bytes"));
    }

    /**
     * Sets the message key, which decides the key group and so the instance that processes it.
     *
     * @param key the key, or null for none
     * @return this record
     */
    public SourceRecord<V> key(String key) {
        this.key = key;
        return this;
    }

    /**
     * Sets the event time.
     *
     * @param epochMillis milliseconds since the epoch; 0 for none (the publish time is used)
     * @return this record
     */
    public SourceRecord<V> eventTime(long epochMillis) {
        this.eventTime = epochMillis;
        return this;
    }

    /**
     * Sends the record to another topic than the source's own.
     *
     * @param topic the topic, in any form Pulsar accepts
     * @return this record
     */
    public SourceRecord<V> topic(String topic) {
        this.topic = topic;
        return this;
    }

    /**
     * For an {@link #encoded} record: the schema its bytes were encoded with. A topic without a schema
     * gets this one when the first such record is written to it; a topic with one checks that they are
     * compatible, as a producer with that schema would.
     *
     * @param schema the schema, or null to write the bytes against whatever schema the topic has
     * @return this record
     * @throws IllegalStateException if the record is not an encoded one
     */
    public SourceRecord<V> schema(org.apache.pulsar.client.api.Schema<?> schema) {
        if (encoded == null) {
            throw new IllegalStateException("only an encoded record names its schema; a typed one uses the source's");
        }
        this.schema = schema;
        return this;
    }

    /**
     * Adds a message property.
     *
     * @param name the property's name
     * @param value its value
     * @return this record
     */
    public SourceRecord<V> property(String name, String value) {
        if (properties.isEmpty()) {
            properties = new LinkedHashMap<>();
        }
        properties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** @return the schema an encoded value was encoded with, or null if none was given */
    public org.apache.pulsar.client.api.Schema<?> schema() {
        return schema;
    }

    /** @return the typed value, or null if the value is {@link #encodedValue() encoded} */
    public V value() {
        return value;
    }

    /** @return the encoded value, or null if the value is typed */
    public byte[] encodedValue() {
        return encoded;
    }

    /** @return the key, or null */
    public String key() {
        return key;
    }

    /** @return the event time in epoch milliseconds, 0 for none */
    public long eventTime() {
        return eventTime;
    }

    /** @return the topic named for this record, or null for the source's own */
    public String topic() {
        return topic;
    }

    /** @return the properties, never null */
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public String toString() {
        return "SourceRecord{key=" + key + ", value=" + (encoded != null ? encoded.length + " bytes" : value)
                + (topic != null ? ", topic=" + topic : "") + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceRecord<?> other && Objects.equals(value, other.value)
                && Arrays.equals(encoded, other.encoded) && Objects.equals(key, other.key)
                && eventTime == other.eventTime && Objects.equals(topic, other.topic)
                && properties.equals(other.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, Arrays.hashCode(encoded), key, topic);
    }
}
