package dev.tributary.dsl;

import dev.tributary.dsl.internal.ConsumedInternal;
import dev.tributary.dsl.internal.MaterializedInternal;
import dev.tributary.dsl.internal.TableImpl;
import dev.tributary.dsl.plan.MaterializeNode;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.state.Materialized;
import dev.tributary.dsl.internal.PlanGraph;
import dev.tributary.dsl.internal.StreamImpl;
import dev.tributary.dsl.plan.SourceNode;
import dev.tributary.dsl.connect.Source;
import dev.tributary.dsl.plan.ConnectorSourceNode;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/**
 * Builds a topology. Declare sources with {@code stream(...)}, chain operations on the returned
 * {@link Stream}s, then call {@link #build()}.
 *
 * <pre>{@code
 * StreamBuilder builder = new StreamBuilder();
 * builder.stream("clicks", Schema.JSON(Click.class))
 *        .filter((user, click) -> !click.bot())
 *        .mapValues(Click::page)
 *        .to("pages", Schema.STRING);
 * Topology topology = builder.build();
 * }</pre>
 *
 * <p>A builder is not thread-safe; build a topology on one thread.
 */
public final class StreamBuilder {
    private final PlanGraph graph = new PlanGraph();

    /** Creates an empty builder. */
    public StreamBuilder() {
    }

    /**
     * Reads a topic with a value schema; keys are the message keys as strings.
     *
     * @param topic the topic, in any form Pulsar accepts
     * @param valueSchema the value schema
     * @param <V> the value type
     * @return the stream of the topic's records
     */
    public <V> Stream<String, V> stream(String topic, Schema<V> valueSchema) {
        return stream(List.of(topic), Consumed.with(valueSchema));
    }

    /**
     * Reads a topic.
     *
     * @param topic the topic, in any form Pulsar accepts
     * @param consumed schemas, name, subscription type, start position and record times
     * @param <K> the key type
     * @param <V> the value type
     * @return the stream of the topic's records
     */
    public <K, V> Stream<K, V> stream(String topic, Consumed<K, V> consumed) {
        return stream(List.of(topic), consumed);
    }

    /**
     * Reads several topics with the same schemas as one stream.
     *
     * @param topics the topics, in any form Pulsar accepts
     * @param consumed schemas, name, subscription type, start position and record times
     * @param <K> the key type
     * @param <V> the value type
     * @return the stream of the topics' records
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <K, V> Stream<K, V> stream(Collection<String> topics, Consumed<K, V> consumed) {
        Objects.requireNonNull(topics, "topics");
        if (topics.isEmpty()) {
            throw new TopologyException("a source needs at least one topic");
        }
        for (String topic : topics) {
            if (topic == null || topic.isBlank()) {
                throw new TopologyException("a source topic name is empty");
            }
        }
        ConsumedInternal<K, V> options = new ConsumedInternal<>(Objects.requireNonNull(consumed, "consumed"));
        String name = graph.name(options.name(), "source");
        graph.add(new SourceNode(name, List.copyOf(topics), options.keySchema(), options.valueSchema(),
                options.subscriptionType(), options.startPosition(), (TimestampExtractor) options.timestampExtractor()));
        return new StreamImpl<>(graph, name, options.keySchema(), options.valueSchema());
    }

    /**
     * Runs a source connector that writes into a topic, and reads that topic as a stream. What the
     * source emits is durable in the topic before the stream sees it. The source's settings are the
     * job's keys under {@code connector.<name>.}.
     *
     * @param name the connector's name, unique among the topology's nodes
     * @param source the source; a source of a wider type (such as one emitting encoded bytes,
     *     {@code Source<Object>}) fits any schema
     * @param topic the topic it writes to and the stream reads, in any form Pulsar accepts
     * @param valueSchema encodes what the source emits and decodes what the stream reads
     * @param <V> the value type
     * @return the stream of the topic's records, keyed by the message keys
     */
    public <V> Stream<String, V> source(String name, Source<? super V> source, String topic, Schema<V> valueSchema) {
        addSource(name, Objects.requireNonNull(source, "source"), topic, valueSchema);
        return stream(topic, valueSchema);
    }

    /**
     * Runs a source connector chosen by the setting {@code connector.<name>.type} (see
     * {@link dev.tributary.dsl.connect.ConnectorProvider}), and reads its topic as a stream.
     *
     * @param name the connector's name, unique among the topology's nodes
     * @param topic the topic it writes to and the stream reads
     * @param valueSchema encodes what the source emits and decodes what the stream reads
     * @param <V> the value type
     * @return the stream of the topic's records
     */
    public <V> Stream<String, V> source(String name, String topic, Schema<V> valueSchema) {
        addSource(name, null, topic, valueSchema);
        return stream(topic, valueSchema);
    }

    /**
     * Runs a source connector that writes into a topic, without reading the topic in this topology (an
     * ingest-only job, or a topic another job reads).
     *
     * @param name the connector's name, unique among the topology's nodes
     * @param source the source, or null to choose it by {@code connector.<name>.type}
     * @param topic the topic it writes to
     * @param valueSchema encodes what the source emits
     * @param <V> the value type
     * @return this builder
     */
    public <V> StreamBuilder addSource(String name, Source<? super V> source, String topic, Schema<V> valueSchema) {
        Objects.requireNonNull(name, "name");
        if (topic == null || topic.isBlank()) {
            throw new TopologyException("source connector '" + name + "' needs a topic to write to");
        }
        graph.add(new ConnectorSourceNode(graph.name(name, "connector-source"), source, topic,
                Objects.requireNonNull(valueSchema, "valueSchema")));
        return this;
    }

    /**
     * Reads a topic as a table: the latest value per key, kept in a store; a null value deletes the key.
     *
     * @param topic the topic, in any form Pulsar accepts
     * @param valueSchema the value schema; keys are strings
     * @param <V> the value type
     * @return the table
     */
    public <V> Table<String, V> table(String topic, Schema<V> valueSchema) {
        return table(topic, Consumed.with(valueSchema), Materialized.with(Schema.STRING, valueSchema));
    }

    /**
     * Reads a topic as a table kept in a named store.
     *
     * @param topic the topic, in any form Pulsar accepts
     * @param consumed the schemas and subscription options
     * @param materialized the store's name and options
     * @param <K> the key type
     * @param <V> the value type
     * @return the table
     */
    public <K, V> Table<K, V> table(String topic, Consumed<K, V> consumed, Materialized<K, V> materialized) {
        ConsumedInternal<K, V> options = new ConsumedInternal<>(Objects.requireNonNull(consumed, "consumed"));
        Stream<K, V> source = stream(topic, consumed);
        String sourceName = ((dev.tributary.dsl.internal.StreamImpl<K, V>) source).nodeName();
        MaterializedInternal<K, V> store = new MaterializedInternal<>(Objects.requireNonNull(materialized, "materialized"));
        String name = graph.name((String) null, "table");
        StoreSpec spec = new StoreSpec(store.storeName() != null ? store.storeName() : name + "-store",
                store.keySchema() != null ? store.keySchema() : options.keySchema(),
                store.valueSchema() != null ? store.valueSchema() : options.valueSchema(),
                store.storeType(), store.cachingEnabled(), store.loggingEnabled());
        graph.addStore(spec);
        graph.add(new MaterializeNode(name, sourceName, spec));
        return new TableImpl<>(graph, name, spec.name(), options.keySchema(), options.valueSchema());
    }

    /**
     * Reads a topic as a global table, held whole by every instance (see {@link GlobalTable}); keyed by
     * strings.
     *
     * @param topic the topic, in any form Pulsar accepts
     * @param valueSchema its values' schema
     * @param <V> the value type
     * @return the global table
     */
    public <V> GlobalTable<String, V> globalTable(String topic, Schema<V> valueSchema) {
        return globalTable(topic, Consumed.with(valueSchema));
    }

    /**
     * Reads a topic as a global table, held whole by every instance (see {@link GlobalTable}).
     *
     * @param topic the topic, in any form Pulsar accepts
     * @param consumed the key and value schemas
     * @param <K> the key type
     * @param <V> the value type
     * @return the global table
     */
    public <K, V> GlobalTable<K, V> globalTable(String topic, Consumed<K, V> consumed) {
        Objects.requireNonNull(topic, "topic");
        ConsumedInternal<K, V> options = new ConsumedInternal<>(Objects.requireNonNull(consumed, "consumed"));
        String name = graph.name((String) null, "global-table");
        graph.add(new dev.tributary.dsl.plan.GlobalTableNode(name, topic, options.keySchema(), options.valueSchema()));
        return new GlobalTable<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String topic() {
                return topic;
            }
        };
    }

    /**
     * Adds a store for processors to use; name the store and give both schemas.
     *
     * @param materialized the store's name, schemas and options
     * @return this builder
     * @throws TopologyException if the name or a schema is missing, or the name is taken
     */
    public StreamBuilder addStateStore(Materialized<?, ?> materialized) {
        MaterializedInternal<?, ?> store = new MaterializedInternal<>(Objects.requireNonNull(materialized, "materialized"));
        if (store.storeName() == null || store.keySchema() == null || store.valueSchema() == null) {
            throw new TopologyException("a store added with addStateStore needs a name and both schemas:"
                    + " Materialized.as(name).withKeySchema(...).withValueSchema(...)");
        }
        graph.addStore(new StoreSpec(store.storeName(), store.keySchema(), store.valueSchema(), store.storeType(),
                store.cachingEnabled(), store.loggingEnabled()));
        return this;
    }

    /**
     * Adds a window store for processors to use ({@code ProcessorContext.getWindowStore}): values per key
     * and window start, windows of a fixed size, kept for a retention counted from their start.
     *
     * @param materialized the store's name, schemas and options
     * @param windowSize the windows' size
     * @param retention how long after its start a window is kept, at least the size
     * @return this builder
     * @throws TopologyException if the name or a schema is missing, the name is taken, or the retention is
     *     shorter than the size
     */
    public StreamBuilder addWindowStore(Materialized<?, ?> materialized, java.time.Duration windowSize,
                                        java.time.Duration retention) {
        MaterializedInternal<?, ?> store = new MaterializedInternal<>(Objects.requireNonNull(materialized, "materialized"));
        if (store.storeName() == null || store.keySchema() == null || store.valueSchema() == null) {
            throw new TopologyException("a store added with addWindowStore needs a name and both schemas:"
                    + " Materialized.as(name).withKeySchema(...).withValueSchema(...)");
        }
        long size = Objects.requireNonNull(windowSize, "window size").toMillis();
        long keep = Objects.requireNonNull(retention, "retention").toMillis();
        if (size < 1 || keep < size) {
            throw new TopologyException("window store '" + store.storeName() + "': the window size (" + windowSize
                    + ") must be at least 1 ms and the retention (" + retention + ") at least the size");
        }
        graph.addStore(new StoreSpec(store.storeName(), store.keySchema(), store.valueSchema(), store.storeType(),
                store.cachingEnabled(), store.loggingEnabled(), new dev.tributary.dsl.plan.WindowSpec(size, size, 0, keep)));
        return this;
    }

    /**
     * Builds the topology declared so far.
     *
     * @return the immutable topology
     * @throws TopologyException if the topology has no source, or one topic is read by two sources
     */
    public Topology build() {
        return graph.build();
    }
}
