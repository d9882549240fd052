package dev.tributary.dsl;

import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/**
 * The options of a stream-stream join: the schemas its two window stores keep records with (needed
 * where a stream's own are unknown, as after {@code map}), and the join's name, which names its nodes,
 * stores and changelog topics. Immutable.
 *
 * @param <K> the key type
 * @param <V> this stream's value type
 * @param <VO> the other stream's value type
 */
public final class StreamJoined<K, V, VO> {
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;
    private final Schema<VO> otherValueSchema;
    private final String name;

    private StreamJoined(Schema<K> keySchema, Schema<V> valueSchema, Schema<VO> otherValueSchema, String name) {
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.otherValueSchema = otherValueSchema;
        this.name = name;
    }

    /**
     * Joins with these schemas.
     *
     * @param keySchema the key schema of both sides
     * @param valueSchema this stream's value schema
     * @param otherValueSchema the other stream's value schema
     * @param <K> the key type
     * @param <V> this stream's value type
     * @param <VO> the other stream's value type
     * @return the options
     */
    public static <K, V, VO> StreamJoined<K, V, VO> with(Schema<K> keySchema, Schema<V> valueSchema,
                                                         Schema<VO> otherValueSchema) {
        return new StreamJoined<>(Objects.requireNonNull(keySchema, "key schema"),
                Objects.requireNonNull(valueSchema, "value schema"),
                Objects.requireNonNull(otherValueSchema, "other value schema"), null);
    }

    /**
     * Joins with the streams' own schemas, under a name.
     *
     * @param name the join's name (see {@link Named})
     * @param <K> the key type
     * @param <V> this stream's value type
     * @param <VO> the other stream's value type
     * @return the options
     */
    public static <K, V, VO> StreamJoined<K, V, VO> as(String name) {
        return new StreamJoined<>(null, null, null, Named.validate(name));
    }

    /**
     * Names the join: its stores are {@code <name>-this-store} and {@code <name>-other-store}.
     *
     * @param name the join's name (see {@link Named})
     * @return a copy with the name
     */
    public StreamJoined<K, V, VO> withName(String name) {
        return new StreamJoined<>(keySchema, valueSchema, otherValueSchema, Named.validate(name));
    }

    /**
     * @return the key schema, or null for the streams'
     */
    public Schema<K> keySchema() {
        return keySchema;
    }

    /**
     * @return this stream's value schema, or null for its own
     */
    public Schema<V> valueSchema() {
        return valueSchema;
    }

    /**
     * @return the other stream's value schema, or null for its own
     */
    public Schema<VO> otherValueSchema() {
        return otherValueSchema;
    }

    /**
     * @return the join's name, or null for a generated one
     */
    public String name() {
        return name;
    }
}
