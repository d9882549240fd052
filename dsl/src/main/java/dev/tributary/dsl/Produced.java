package dev.tributary.dsl;

import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/**
 * How a sink writes its topic: the key and value schemas, the node name and the batching mode.
 * Immutable: every {@code with...} method returns a copy.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class Produced<K, V> {
    /** The key schema, or null to use the stream's. */
    protected final Schema<K> keySchema;
    /** The value schema, or null to use the stream's. */
    protected final Schema<V> valueSchema;
    /** The sink node's name, or null for a generated one. */
    protected final String name;
    /** The batching mode. */
    protected final ProducerBatching batching;
    /** The key-group count the batches are cut by, or 0 for the job's own. */
    protected final int keyGroups;

    /**
     * Copies another instance; for the DSL implementation.
     *
     * @param other the instance to copy
     */
    protected Produced(Produced<K, V> other) {
        this(other.keySchema, other.valueSchema, other.name, other.batching, other.keyGroups);
    }

    private Produced(Schema<K> keySchema, Schema<V> valueSchema, String name, ProducerBatching batching,
                     int keyGroups) {
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.name = name;
        this.batching = batching;
        this.keyGroups = keyGroups;
    }

    /**
     * Writes values with a schema and keys with the stream's key schema.
     *
     * @param valueSchema the value schema
     * @param <K> the key type
     * @param <V> the value type
     * @return the options, with {@link ProducerBatching#KEY_BASED} batching
     */
    public static <K, V> Produced<K, V> with(Schema<V> valueSchema) {
        return new Produced<>(null, Objects.requireNonNull(valueSchema, "value schema"), null,
                ProducerBatching.KEY_BASED, 0);
    }

    /**
     * Writes keys and values with schemas.
     *
     * @param keySchema the key schema, encoding the message key
     * @param valueSchema the value schema
     * @param <K> the key type
     * @param <V> the value type
     * @return the options, with {@link ProducerBatching#KEY_BASED} batching
     */
    public static <K, V> Produced<K, V> with(Schema<K> keySchema, Schema<V> valueSchema) {
        return new Produced<>(Objects.requireNonNull(keySchema, "key schema"),
                Objects.requireNonNull(valueSchema, "value schema"), null, ProducerBatching.KEY_BASED, 0);
    }

    /**
     * Uses the stream's key and value schemas; fails when the topology is built if the stream's
     * schemas are not known (after an operator that changed the key or value type).
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return the options, with {@link ProducerBatching#KEY_BASED} batching
     */
    public static <K, V> Produced<K, V> withStreamSchemas() {
        return new Produced<>(null, null, null, ProducerBatching.KEY_BASED, 0);
    }

    /**
     * Names the sink node.
     *
     * @param name the node name (see {@link Named})
     * @return a copy with the name
     */
    public Produced<K, V> withName(String name) {
        return new Produced<>(keySchema, valueSchema, Named.validate(name), batching, keyGroups);
    }

    /**
     * Chooses how records are batched.
     *
     * @param batching the batching mode
     * @return a copy with the mode
     */
    public Produced<K, V> withBatching(ProducerBatching batching) {
        return new Produced<>(keySchema, valueSchema, name, Objects.requireNonNull(batching, "batching"), keyGroups);
    }

    /**
     * Batches by key group for a reading job whose key-group count differs from this job's.
     * Implies {@link ProducerBatching#KEY_GROUP}.
     *
     * @param keyGroups the reading job's number of key groups, 1 to 65536
     * @return a copy batching by that many key groups
     */
    public Produced<K, V> withKeyGroups(int keyGroups) {
        if (keyGroups < 1 || keyGroups > 65536) {
            throw new IllegalArgumentException("key groups must be between 1 and 65536, got " + keyGroups);
        }
        return new Produced<>(keySchema, valueSchema, name, ProducerBatching.KEY_GROUP, keyGroups);
    }
}
