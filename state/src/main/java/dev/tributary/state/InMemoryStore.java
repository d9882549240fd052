package dev.tributary.state;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A store on the heap, one sorted map per key group; it starts empty and is restored from its changelog.
 * Its maps are concurrent so that queries read while the task writes (see {@link ConcurrentReads}).
 */
final class InMemoryStore implements KeyGroupedStore {
    private final String name;
    private final Map<Integer, NavigableMap<byte[], byte[]>> groups = new ConcurrentHashMap<>();

    InMemoryStore(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void openKeyGroup(int keyGroup) {
        groups.computeIfAbsent(keyGroup, g -> new ConcurrentSkipListMap<>(Arrays::compareUnsigned));
    }

    @Override
    public void wipeKeyGroup(int keyGroup) {
        groups.put(keyGroup, new ConcurrentSkipListMap<>(Arrays::compareUnsigned));
    }

    private NavigableMap<byte[], byte[]> group(int keyGroup) {
        NavigableMap<byte[], byte[]> group = groups.get(keyGroup);
        if (group == null) {
            throw new IllegalStateException("store '" + name + "': key group " + keyGroup + " is not open here");
        }
        return group;
    }

    @Override
    public byte[] get(int keyGroup, byte[] key) {
        return group(keyGroup).get(key);
    }

    @Override
    public void put(int keyGroup, byte[] key, byte[] value) {
        if (value == null) {
            group(keyGroup).remove(key);
        } else {
            group(keyGroup).put(key, value);
        }
    }

    @Override
    public BytesIterator range(int keyGroup, byte[] from, byte[] to) {
        NavigableMap<byte[], byte[]> group = group(keyGroup);
        NavigableMap<byte[], byte[]> view = from == null && to == null ? group
                : from == null ? group.headMap(to, true)
                : to == null ? group.tailMap(from, true)
                : group.subMap(from, true, to, true);
        // A snapshot: the caller may write to the store while iterating.
        Iterator<Map.Entry<byte[], byte[]>> entries = new TreeMap<>(view).entrySet().iterator();
        return new BytesIterator() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public BytesEntry next() {
                Map.Entry<byte[], byte[]> entry = entries.next();
                return new BytesEntry(entry.getKey(), entry.getValue());
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public long approximateCount(int keyGroup) {
        return group(keyGroup).size();
    }

    @Override
    public long approximateBytes(int keyGroup) {
        long bytes = 0;
        for (Map.Entry<byte[], byte[]> entry : group(keyGroup).entrySet()) {
            // Two arrays and a tree node per entry.
            bytes += entry.getKey().length + entry.getValue().length + 80;
        }
        return bytes;
    }

    @Override
    public void persist() {
        // Nothing survives a restart on the heap; the changelog restores it.
    }

    @Override
    public void close() {
        groups.clear();
    }
}
