package dev.tributary.dsl;

/**
 * Chooses the output topic of each record, for a sink whose topic depends on the data.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface TopicNameExtractor<K, V> {
    /**
     * Chooses a topic.
     *
     * @param key the record's key
     * @param value the record's value
     * @return a topic name in any form Pulsar accepts (short name or full {@code persistent://...})
     */
    String topic(K key, V value);
}
