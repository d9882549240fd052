package dev.tributary.runtime.internal.query;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.state.KeyValueIterator;
import dev.tributary.dsl.state.ReadOnlyKeyValueStore;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.state.ConcurrentReads;
import java.util.BitSet;
import org.apache.pulsar.client.api.Schema;

/**
 * A key-value store as a query reads it, from any thread: the values as of the last commit (under
 * exactly-once exactly those; under at-least-once, values the record cache wrote out early may be
 * newer). Scans cover the key groups readable here.
 */
final class KeyValueView<K, V> implements ReadOnlyKeyValueStore<K, V> {
    private final String name;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;
    private final KeyGroups keyGroups;
    private final ConcurrentReads reads;
    private final Readable readable;

    KeyValueView(String name, Schema<K> keySchema, Schema<V> valueSchema, KeyGroups keyGroups, ConcurrentReads reads,
                 Readable readable) {
        this.name = name;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.keyGroups = keyGroups;
        this.reads = reads;
        this.readable = readable;
    }

    private byte[] encode(K key) {
        if (key == null) {
            throw new NullPointerException("store '" + name + "' has no null keys");
        }
        return keySchema.encode(key);
    }

    @Override
    public V get(K key) {
        byte[] bytes = encode(key);
        int group = keyGroups.ofKeyBytes(bytes);
        readable.check(name, key, group);
        byte[] value = reads.read(group, bytes);
        return value == null ? null : valueSchema.decode(value);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return scan(encode(from), encode(to));
    }

    @Override
    public KeyValueIterator<K, V> prefixScan(K prefix) {
        byte[] start = encode(prefix);
        return scan(start, dev.tributary.state.KeyRanges.prefixEnd(start));
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return scan(null, null);
    }

    @Override
    public long approximateNumEntries() {
        BitSet groups = readable.groups();
        long total = 0;
        for (int group = groups.nextSetBit(0); group >= 0; group = groups.nextSetBit(group + 1)) {
            total += reads.readCount(group);
        }
        return total;
    }

    private KeyValueIterator<K, V> scan(byte[] from, byte[] to) {
        ChunkedScan scan = new ChunkedScan(reads, readable.groups(), from, to);
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return scan.hasNext();
            }

            @Override
            public KeyValue<K, V> next() {
                ChunkedScan.Grouped next = scan.next();
                return KeyValue.pair(keySchema.decode(next.entry().key()), valueSchema.decode(next.entry().value()));
            }

            @Override
            public void close() {
                // Chunks are copies: nothing is held between them.
            }
        };
    }
}
