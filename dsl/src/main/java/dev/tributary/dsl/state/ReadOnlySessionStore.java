package dev.tributary.dsl.state;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.Windowed;
import java.util.List;

/**
 * Reads a store of session windows: per key, its sessions and their aggregates.
 *
 * @param <K> the key type
 * @param <V> the aggregate's type
 */
public interface ReadOnlySessionStore<K, V> {
    /**
     * A key's sessions, oldest first.
     *
     * @param key the key
     * @return each session (its first record's time to just after its last) with its aggregate
     */
    List<KeyValue<Windowed<K>, V>> fetch(K key);

    /**
     * A key's sessions that overlap a time range, oldest first.
     *
     * @param key the key
     * @param earliestSessionEnd sessions whose last record is before this are left out
     * @param latestSessionStart sessions whose first record is after this are left out
     * @return the sessions with their aggregates
     */
    List<KeyValue<Windowed<K>, V>> findSessions(K key, long earliestSessionEnd, long latestSessionStart);
}
