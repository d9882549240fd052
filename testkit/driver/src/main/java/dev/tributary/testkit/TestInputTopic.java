package dev.tributary.testkit;

import dev.tributary.dsl.KeyValue;
import dev.tributary.testkit.internal.DriverCore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;

/**
 * Pipes records into one input topic of a {@link TopologyTestDriver}. Each record is encoded with
 * this topic's schemas and decoded with the source's, as it would be on a broker, then processed
 * at once. Records without an explicit time get the topic's current time, which then advances by
 * the topic's auto-advance step.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TestInputTopic<K, V> {
    private final DriverCore core;
    private final String topic;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;
    private final Duration autoAdvance;
    private Instant currentTime;

    TestInputTopic(DriverCore core, String topic, Schema<K> keySchema, Schema<V> valueSchema, Instant start,
                   Duration autoAdvance) {
        this.core = core;
        this.topic = topic;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.currentTime = start;
        this.autoAdvance = autoAdvance;
    }

    /**
     * Pipes a record without a key.
     *
     * @param value the value
     */
    public void pipeInput(V value) {
        pipeInput(null, value);
    }

    /**
     * Pipes a record at the topic's current time.
     *
     * @param key the key
     * @param value the value
     */
    public void pipeInput(K key, V value) {
        Instant time = currentTime;
        currentTime = currentTime.plus(autoAdvance);
        pipeInput(new TestRecord<>(key, value, time, Map.of()));
    }

    /**
     * Pipes a record at a given time; the topic's current time does not change.
     *
     * @param key the key
     * @param value the value
     * @param timestamp the event time
     */
    public void pipeInput(K key, V value, Instant timestamp) {
        pipeInput(new TestRecord<>(key, value, timestamp, Map.of()));
    }

    /**
     * Pipes a record with its time and properties.
     *
     * @param record the record
     */
    public void pipeInput(TestRecord<K, V> record) {
        byte[] keyBytes = record.key() == null ? null : keySchema.encode(record.key());
        byte[] valueBytes = record.value() == null ? null : valueSchema.encode(record.value());
        core.pipe(topic, keyBytes, valueBytes, record.timestamp().toEpochMilli(), record.properties());
    }

    /**
     * Pipes keyed records in order, at the topic's current time, advancing it after each.
     *
     * @param records the records
     */
    public void pipeKeyValueList(List<KeyValue<K, V>> records) {
        for (KeyValue<K, V> record : records) {
            pipeInput(record.key(), record.value());
        }
    }

    /**
     * Pipes values without keys, in order.
     *
     * @param values the values
     */
    public void pipeValueList(List<V> values) {
        for (V value : values) {
            pipeInput(value);
        }
    }

    /**
     * Moves the topic's current time forward.
     *
     * @param duration how far
     */
    public void advanceTime(Duration duration) {
        currentTime = currentTime.plus(duration);
    }

    /**
     * The normalized name of this topic.
     *
     * @return for example {@code persistent://public/default/clicks}
     */
    public String topic() {
        return topic;
    }
}
