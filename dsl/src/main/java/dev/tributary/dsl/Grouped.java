package dev.tributary.dsl;

import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/**
 * The schemas of a grouped stream, and the name of the repartition node when grouping changes the
 * key. Immutable.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class Grouped<K, V> {
    /** The key schema, or null for the stream's. */
    protected final Schema<K> keySchema;
    /** The value schema, or null for the stream's. */
    protected final Schema<V> valueSchema;
    /** The repartition node's name, or null for a generated one. */
    protected final String name;

    /**
     * Copies another instance; for the DSL implementation.
     *
     * @param other the instance to copy
     */
    protected Grouped(Grouped<K, V> other) {
        this(other.keySchema, other.valueSchema, other.name);
    }

    private Grouped(Schema<K> keySchema, Schema<V> valueSchema, String name) {
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.name = name;
    }

    /**
     * Groups with these schemas.
     *
     * @param keySchema the key schema (for {@code groupBy}: of the new key)
     * @param valueSchema the value schema
     * @param <K> the key type
     * @param <V> the value type
     * @return the options
     */
    public static <K, V> Grouped<K, V> with(Schema<K> keySchema, Schema<V> valueSchema) {
        return new Grouped<>(Objects.requireNonNull(keySchema, "key schema"),
                Objects.requireNonNull(valueSchema, "value schema"), null);
    }

    /**
     * Groups with a key schema and the stream's value schema.
     *
     * @param keySchema the key schema (for {@code groupBy}: of the new key)
     * @param <K> the key type
     * @param <V> the value type
     * @return the options
     */
    public static <K, V> Grouped<K, V> keySchema(Schema<K> keySchema) {
        return new Grouped<>(Objects.requireNonNull(keySchema, "key schema"), null, null);
    }

    /**
     * Names the repartition node; its internal topic is named after it.
     *
     * @param name the node name (see {@link Named})
     * @return a copy with the name
     */
    public Grouped<K, V> withName(String name) {
        return new Grouped<>(keySchema, valueSchema, Named.validate(name));
    }
}
