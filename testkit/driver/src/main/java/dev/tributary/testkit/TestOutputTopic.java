package dev.tributary.testkit;

import dev.tributary.dsl.KeyValue;
import dev.tributary.testkit.internal.DriverCore;
import dev.tributary.testkit.internal.StoredRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.pulsar.client.api.Schema;

/**
 * Reads what a {@link TopologyTestDriver}'s topology wrote to one topic, decoding with this
 * topic's schemas. Reading consumes: each record is returned once.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TestOutputTopic<K, V> {
    private final DriverCore core;
    private final String topic;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;

    TestOutputTopic(DriverCore core, String topic, Schema<K> keySchema, Schema<V> valueSchema) {
        this.core = core;
        this.topic = topic;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
    }

    /**
     * Reads the next record.
     *
     * @return the record
     * @throws NoSuchElementException if there is none
     */
    public TestRecord<K, V> readRecord() {
        StoredRecord stored = queue().poll();
        if (stored == null) {
            throw new NoSuchElementException("no more records on output topic '" + topic + "'");
        }
        K key = stored.key() == null ? null : keySchema.decode(stored.key());
        V value = stored.value() == null ? null : valueSchema.decode(stored.value());
        return new TestRecord<>(key, value, Instant.ofEpochMilli(stored.timestamp()), stored.properties());
    }

    /**
     * Reads the next record's value.
     *
     * @return the value
     * @throws NoSuchElementException if there is none
     */
    public V readValue() {
        return readRecord().value();
    }

    /**
     * Reads the next record's key and value.
     *
     * @return the key and value
     * @throws NoSuchElementException if there is none
     */
    public KeyValue<K, V> readKeyValue() {
        TestRecord<K, V> record = readRecord();
        return KeyValue.pair(record.key(), record.value());
    }

    /**
     * Reads all remaining records.
     *
     * @return the records, in the order written
     */
    public List<TestRecord<K, V>> readRecordsToList() {
        List<TestRecord<K, V>> out = new ArrayList<>();
        while (!isEmpty()) {
            out.add(readRecord());
        }
        return out;
    }

    /**
     * Reads all remaining values.
     *
     * @return the values, in the order written
     */
    public List<V> readValuesToList() {
        List<V> out = new ArrayList<>();
        while (!isEmpty()) {
            out.add(readValue());
        }
        return out;
    }

    /**
     * Reads all remaining keys and values.
     *
     * @return the pairs, in the order written
     */
    public List<KeyValue<K, V>> readKeyValuesToList() {
        List<KeyValue<K, V>> out = new ArrayList<>();
        while (!isEmpty()) {
            out.add(readKeyValue());
        }
        return out;
    }

    /**
     * Whether all records were read.
     *
     * @return true if none is left
     */
    public boolean isEmpty() {
        return queue().isEmpty();
    }

    /**
     * The number of records not yet read.
     *
     * @return the count
     */
    public int getQueueSize() {
        return queue().size();
    }

    private Deque<StoredRecord> queue() {
        return core.output(topic);
    }
}
