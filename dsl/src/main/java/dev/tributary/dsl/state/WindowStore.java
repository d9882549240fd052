package dev.tributary.dsl.state;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.Windowed;
import java.util.List;

/**
 * A store of values per key and window start, held per key group like every store and logged to a
 * changelog topic. Windows are fixed-size: {@code [start, start + size)}. Windows older than the
 * store's retention (counted from their start, by the task's stream time) are deleted at commits, and
 * tombstoned in the changelog. The stores of the DSL's time windows read the same way.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface WindowStore<K, V> extends ReadOnlyWindowStore<K, V> {
    /**
     * @return the store's name
     */
    String name();

    /**
     * Writes a key's value in a window.
     *
     * @param key the key, of a key group running in this task
     * @param value the value; null deletes the window's entry
     * @param windowStart the window's start, epoch milliseconds, not negative
     */
    void put(K key, V value, long windowStart);

    /**
     * Reads a key's value in one window.
     *
     * @param key the key
     * @param windowStart the window's start
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
     * Reads every key's windows that start within a time range, over the key groups of this task.
     *
     * @param timeFrom the earliest window start, inclusive
     * @param timeTo the latest window start, inclusive
     * @return the windows in time order (and within one start, in key order)
     */
    List<KeyValue<Windowed<K>, V>> fetchAll(long timeFrom, long timeTo);
}
