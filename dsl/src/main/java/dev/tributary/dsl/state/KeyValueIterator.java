package dev.tributary.dsl.state;

import dev.tributary.dsl.KeyValue;
import java.util.Iterator;

/**
 * Iterates over entries of a store in the byte order of their encoded keys. Close it when done:
 * it may hold native resources.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface KeyValueIterator<K, V> extends Iterator<KeyValue<K, V>>, AutoCloseable {
    /** Releases the iterator's resources. */
    @Override
    void close();
}
