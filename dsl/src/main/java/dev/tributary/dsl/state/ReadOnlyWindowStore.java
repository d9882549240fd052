package dev.tributary.dsl.state;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.Windowed;
import java.util.List;

/**
 * Reads a store of windows: a value per key and window.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ReadOnlyWindowStore<K, V> {
    /**
     * Reads a key's value in one window.
     *
     * @param key the key
     * @param windowStart the window's start, epoch milliseconds
     * @return the value, or null
     */
    V fetch(K key, long windowStart);

    /**
     * Reads a key's windows that start within a time range.
     *
     * @param key the key
     * @param timeFrom the earliest window start, inclusive
     * @param timeTo the latest window start, inclusive
     * @return (window start, value) pairs in time order
     */
    List<KeyValue<Long, V>> fetch(K key, long timeFrom, long timeTo);

    /**
     * Reads every key's windows that start within a time range.
     *
     * @param timeFrom the earliest window start, inclusive
     * @param timeTo the latest window start, inclusive
     * @return the windows in time order (and within one start, in key order)
     */
    List<KeyValue<Windowed<K>, V>> fetchAll(long timeFrom, long timeTo);
}
