package dev.tributary.state;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.state.KeyValueIterator;
import dev.tributary.dsl.state.KeyValueStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.apache.pulsar.client.api.Schema;

/**
 * The typed top layer: encodes keys and values with the store's schemas and places each key in its
 * key group by the hash of its encoded bytes, the same hash the broker uses to route the key.
 */
public final class TypedStore<K, V> implements KeyValueStore<K, V> {
    private final String name;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;
    private final ToIntFunction<byte[]> keyGroupOf;
    private final Supplier<BitSet> ownedKeyGroups;
    private final StoreAccess access;
    private final IntFunction<String> whereIs;

    /**
     * @param name the store's name
     * @param keySchema encodes keys
     * @param valueSchema encodes values
     * @param keyGroupOf the key group of an encoded key
     * @param ownedKeyGroups the key groups that run in this task: scans read them, and keys of others are refused
     * @param access the layers below: cache, logging, bytes
     * @param whereIs says where a key group that does not run here runs, for the error message
     */
    public TypedStore(String name, Schema<K> keySchema, Schema<V> valueSchema, ToIntFunction<byte[]> keyGroupOf,
                      Supplier<BitSet> ownedKeyGroups, StoreAccess access, IntFunction<String> whereIs) {
        this.name = name;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.keyGroupOf = keyGroupOf;
        this.ownedKeyGroups = ownedKeyGroups;
        this.access = access;
        this.whereIs = whereIs;
    }

    @Override
    public String name() {
        return name;
    }

    private byte[] keyBytes(K key) {
        if (key == null) {
            throw new NullPointerException("store '" + name + "' does not accept null keys");
        }
        return keySchema.encode(key);
    }

    private V decode(byte[] bytes) {
        return bytes == null ? null : valueSchema.decode(bytes);
    }

    /** The key group of a key given by user code, which must run here: another instance may own the rest. */
    private int runningGroup(K key, byte[] bytes) {
        int group = keyGroupOf.applyAsInt(bytes);
        if (!ownedKeyGroups.get().get(group)) {
            throw new IllegalStateException("store '" + name + "': key '" + key + "' is in key group " + group + ", which "
                    + whereIs.apply(group) + ", not in this task; a processor may use only keys of the key groups it"
                    + " runs (re-key the stream by that key first, and the store's records are repartitioned to its"
                    + " owner)");
        }
        return group;
    }

    @Override
    public V get(K key) {
        byte[] bytes = keyBytes(key);
        return decode(access.get(runningGroup(key, bytes), bytes));
    }

    @Override
    public void put(K key, V value) {
        byte[] bytes = keyBytes(key);
        access.put(runningGroup(key, bytes), bytes, value == null ? null : valueSchema.encode(value));
    }

    /**
     * Encodes a key once for a read-modify-write through {@link #get(int, byte[])} and
     * {@link #put(int, byte[], Object)}, which would otherwise encode and hash it twice.
     *
     * @param key the key, not null
     * @return the key's bytes
     */
    public byte[] encodeKey(K key) {
        return keyBytes(key);
    }

    /**
     * @param keyBytes an encoded key
     * @return its key group
     */
    public int keyGroup(byte[] keyBytes) {
        return keyGroupOf.applyAsInt(keyBytes);
    }

    /** Reads by an already encoded key and its key group. */
    public V get(int keyGroup, byte[] keyBytes) {
        return decode(access.get(keyGroup, keyBytes));
    }

    /** Writes by an already encoded key and its key group; a null value deletes. */
    public void put(int keyGroup, byte[] keyBytes, V value) {
        access.put(keyGroup, keyBytes, value == null ? null : valueSchema.encode(value));
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public V delete(K key) {
        V existing = get(key);
        if (existing != null) {
            put(key, null);
        }
        return existing;
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return scan(keyBytes(from), keyBytes(to));
    }

    @Override
    public KeyValueIterator<K, V> prefixScan(K prefix) {
        byte[] start = keyBytes(prefix);
        return scan(start, KeyRanges.prefixEnd(start));
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return scan(null, null);
    }

    @Override
    public long approximateNumEntries() {
        BitSet owned = ownedKeyGroups.get();
        long total = 0;
        for (int group = owned.nextSetBit(0); group >= 0; group = owned.nextSetBit(group + 1)) {
            total += access.store().approximateCount(group);
        }
        return total;
    }

    /** Scans merge the key groups' sorted entries; the cache is written out first so the store is complete. */
    private KeyValueIterator<K, V> scan(byte[] from, byte[] to) {
        access.flush();
        BitSet owned = ownedKeyGroups.get();
        List<BytesIterator> iterators = new ArrayList<>();
        PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> Arrays.compareUnsigned(a.entry.key(), b.entry.key()));
        for (int group = owned.nextSetBit(0); group >= 0; group = owned.nextSetBit(group + 1)) {
            BytesIterator iterator = access.store().range(group, from, to);
            iterators.add(iterator);
            if (iterator.hasNext()) {
                heads.add(new Head(iterator.next(), iterator));
            }
        }
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public KeyValue<K, V> next() {
                Head head = heads.poll();
                if (head == null) {
                    throw new NoSuchElementException();
                }
                if (head.iterator.hasNext()) {
                    heads.add(new Head(head.iterator.next(), head.iterator));
                }
                return KeyValue.pair(keySchema.decode(head.entry.key()), valueSchema.decode(head.entry.value()));
            }

            @Override
            public void close() {
                iterators.forEach(BytesIterator::close);
            }
        };
    }

    private record Head(BytesEntry entry, BytesIterator iterator) {
    }

}
