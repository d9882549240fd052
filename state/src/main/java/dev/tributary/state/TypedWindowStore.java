package dev.tributary.state;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.state.WindowStore;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.apache.pulsar.client.api.Schema;

/**
 * The typed face of a window store ({@link WindowKeys}'s layout): entries by key and window start,
 * reads of one key's windows by one range read, and of all windows in time order through the index.
 * Range reads write the record cache out first, so they see every write.
 */
public final class TypedWindowStore<K, V> implements WindowStore<K, V> {
    private final String name;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;
    private final long windowSize;
    private final ToIntFunction<byte[]> keyGroupOf;
    private final Supplier<BitSet> ownedKeyGroups;
    private final StoreAccess access;
    private final IntFunction<String> whereIs;

    /**
     * @param windowSize the windows' size, for the ends of {@link #fetchAll}'s windows
     * @param keyGroupOf the key group of an encoded key
     * @param ownedKeyGroups the key groups that run in this task
     * @param access the layers below: cache, logging, bytes (indexed)
     * @param whereIs says where a key group that does not run here runs, for the error message
     */
    public TypedWindowStore(String name, Schema<K> keySchema, Schema<V> valueSchema, long windowSize,
                            ToIntFunction<byte[]> keyGroupOf, Supplier<BitSet> ownedKeyGroups, StoreAccess access,
                            IntFunction<String> whereIs) {
        this.name = name;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.windowSize = windowSize;
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
            throw new NullPointerException("window store '" + name + "' does not accept null keys");
        }
        return keySchema.encode(key);
    }

    private int runningGroup(K key, byte[] bytes) {
        int group = keyGroupOf.applyAsInt(bytes);
        if (!ownedKeyGroups.get().get(group)) {
            throw new IllegalStateException("window store '" + name + "': key '" + key + "' is in key group " + group
                    + ", which " + whereIs.apply(group) + ", not in this task");
        }
        return group;
    }

    private static void checkStart(long windowStart) {
        if (windowStart < 0) {
            throw new IllegalArgumentException("a window cannot start before the epoch: " + windowStart);
        }
    }

    @Override
    public void put(K key, V value, long windowStart) {
        checkStart(windowStart);
        byte[] bytes = keyBytes(key);
        access.put(runningGroup(key, bytes), WindowKeys.entry(bytes, windowStart),
                value == null ? null : valueSchema.encode(value));
    }

    @Override
    public V fetch(K key, long windowStart) {
        checkStart(windowStart);
        byte[] bytes = keyBytes(key);
        byte[] value = access.get(runningGroup(key, bytes), WindowKeys.entry(bytes, windowStart));
        return value == null ? null : valueSchema.decode(value);
    }

    @Override
    public List<KeyValue<Long, V>> fetch(K key, long timeFrom, long timeTo) {
        byte[] bytes = keyBytes(key);
        int group = runningGroup(key, bytes);
        List<KeyValue<Long, V>> windows = new ArrayList<>();
        if (timeTo < Math.max(0, timeFrom)) {
            return windows;
        }
        access.flush();
        try (BytesIterator entries = access.store().range(group, WindowKeys.entry(bytes, Math.max(0, timeFrom)),
                WindowKeys.entry(bytes, timeTo))) {
            while (entries.hasNext()) {
                BytesEntry entry = entries.next();
                windows.add(KeyValue.pair(WindowKeys.startOf(entry.key()), valueSchema.decode(entry.value())));
            }
        }
        return windows;
    }

    @Override
    public List<KeyValue<Windowed<K>, V>> fetchAll(long timeFrom, long timeTo) {
        List<KeyValue<Windowed<K>, V>> windows = new ArrayList<>();
        if (timeTo < Math.max(0, timeFrom)) {
            return windows;
        }
        access.flush();
        KeyGroupedStore store = access.store();
        BitSet owned = ownedKeyGroups.get();
        for (int group = owned.nextSetBit(0); group >= 0; group = owned.nextSetBit(group + 1)) {
            try (BytesIterator index = store.range(group, WindowKeys.indexFrom(Math.max(0, timeFrom)), null)) {
                while (index.hasNext()) {
                    byte[] indexKey = index.next().key();
                    if (indexKey[0] != WindowKeys.INDEX || WindowKeys.indexStart(indexKey) > timeTo) {
                        break;
                    }
                    byte[] entry = WindowKeys.entryOfIndex(indexKey);
                    byte[] value = store.get(group, entry);
                    if (value != null) {
                        long start = WindowKeys.startOf(entry);
                        windows.add(KeyValue.pair(new Windowed<>(keySchema.decode(WindowKeys.keyOf(entry)), start,
                                start + windowSize), valueSchema.decode(value)));
                    }
                }
            }
        }
        windows.sort((a, b) -> Long.compare(a.key().start(), b.key().start()));
        return windows;
    }

    /**
     * Deletes one key group's windows that started at or before a time, through the layers below (so the
     * changelog gets a tombstone for each); for retention.
     *
     * @param group the key group
     * @param lastStart the latest window start to delete
     * @param from the earliest window start that may still be there
     */
    public void expire(int group, long lastStart, long from) {
        access.flush();
        List<byte[]> expired = new ArrayList<>();
        try (BytesIterator index = access.store().range(group, WindowKeys.indexFrom(Math.max(0, from)), null)) {
            while (index.hasNext()) {
                byte[] indexKey = index.next().key();
                if (indexKey[0] != WindowKeys.INDEX || WindowKeys.indexStart(indexKey) > lastStart) {
                    break;
                }
                expired.add(WindowKeys.entryOfIndex(indexKey));
            }
        }
        for (byte[] entry : expired) {
            access.put(group, entry, null);
        }
    }

}
