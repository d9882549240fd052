package dev.tributary.dsl;

import java.util.Objects;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;

/**
 * How a source reads its topics: the key and value schemas, the subscription type and where to
 * start. Immutable: every {@code with...} method returns a copy.
 *
 * <pre>{@code
 * builder.stream("clicks", Consumed.with(Schema.JSON(Click.class)).withStartPosition(StartPosition.latest()));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class Consumed<K, V> {
    /** The key schema, decoding the message key's bytes. */
    protected final Schema<K> keySchema;
    /** The value schema, registered with the broker's schema registry on subscribe. */
    protected final Schema<V> valueSchema;
    /** The source node's name, or null for a generated one. */
    protected final String name;
    /** The subscription type. */
    protected final SubscriptionType subscriptionType;
    /** Where a new subscription starts. */
    protected final StartPosition startPosition;
    /** Chooses each record's time from its key and value, or null for the message's own time. */
    protected final TimestampExtractor<? super K, ? super V> timestampExtractor;

    /**
     * Copies another instance; for the DSL implementation.
     *
     * @param other the instance to copy
     */
    protected Consumed(Consumed<K, V> other) {
        this(other.keySchema, other.valueSchema, other.name, other.subscriptionType, other.startPosition,
                other.timestampExtractor);
    }

    private Consumed(Schema<K> keySchema, Schema<V> valueSchema, String name, SubscriptionType subscriptionType,
                     StartPosition startPosition, TimestampExtractor<? super K, ? super V> timestampExtractor) {
        this.keySchema = Objects.requireNonNull(keySchema, "key schema");
        this.valueSchema = Objects.requireNonNull(valueSchema, "value schema");
        this.name = name;
        this.subscriptionType = subscriptionType;
        this.startPosition = startPosition;
        this.timestampExtractor = timestampExtractor;
    }

    /**
     * Reads values with a schema and keys as UTF-8 strings (the message key as producers set it).
     *
     * @param valueSchema the value schema, for example {@code Schema.JSON(Click.class)}
     * @param <V> the value type
     * @return the options, on a Key_Shared subscription starting from the earliest message
     */
    public static <V> Consumed<String, V> with(Schema<V> valueSchema) {
        return with(Schema.STRING, valueSchema);
    }

    /**
     * Reads keys and values with schemas. The key schema decodes the message key's bytes.
     *
     * @param keySchema the key schema
     * @param valueSchema the value schema
     * @param <K> the key type
     * @param <V> the value type
     * @return the options, on a Key_Shared subscription starting from the earliest message
     */
    public static <K, V> Consumed<K, V> with(Schema<K> keySchema, Schema<V> valueSchema) {
        return new Consumed<>(keySchema, valueSchema, null, SubscriptionType.Key_Shared, StartPosition.earliest(), null);
    }

    /**
     * Names the source node.
     *
     * @param name the node name (see {@link Named})
     * @return a copy with the name
     */
    public Consumed<K, V> withName(String name) {
        return new Consumed<>(keySchema, valueSchema, Named.validate(name), subscriptionType, startPosition,
                timestampExtractor);
    }

    /**
     * Chooses the subscription type. {@link SubscriptionType#Key_Shared} (the default) spreads keys
     * over instances and commits with grouped acknowledgements; {@link SubscriptionType#Failover} and
     * {@link SubscriptionType#Exclusive} give each topic partition one reader and commit with one
     * cumulative acknowledgement per partition.
     *
     * @param type Key_Shared, Failover or Exclusive
     * @return a copy with the subscription type
     * @throws IllegalArgumentException for Shared, which does not keep per-key order
     */
    public Consumed<K, V> withSubscriptionType(SubscriptionType type) {
        Objects.requireNonNull(type, "subscription type");
        if (type == SubscriptionType.Shared) {
            throw new IllegalArgumentException("subscription type Shared does not keep per-key order;"
                    + " use Key_Shared, Failover or Exclusive");
        }
        return new Consumed<>(keySchema, valueSchema, name, type, startPosition, timestampExtractor);
    }

    /**
     * Chooses where a new subscription starts.
     *
     * @param position earliest (the default), latest, or a timestamp
     * @return a copy with the start position
     */
    public Consumed<K, V> withStartPosition(StartPosition position) {
        return new Consumed<>(keySchema, valueSchema, name, subscriptionType,
                Objects.requireNonNull(position, "start position"), timestampExtractor);
    }

    /**
     * Takes each record's time from its key and value instead of the message's event time (see
     * {@link TimestampExtractor}); a negative time or an exception sends the record to the source's
     * error policy with kind {@code invalid-timestamp}.
     *
     * @param extractor computes a record's time in epoch milliseconds
     * @return a copy with the extractor
     */
    public Consumed<K, V> withTimestampExtractor(TimestampExtractor<? super K, ? super V> extractor) {
        return new Consumed<>(keySchema, valueSchema, name, subscriptionType, startPosition,
                Objects.requireNonNull(extractor, "timestamp extractor"));
    }
}
