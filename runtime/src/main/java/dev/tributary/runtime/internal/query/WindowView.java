package dev.tributary.runtime.internal.query;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.plan.WindowSpec;
import dev.tributary.dsl.state.ReadOnlySessionStore;
import dev.tributary.dsl.state.ReadOnlyWindowStore;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.state.BytesEntry;
import dev.tributary.state.ConcurrentReads;
import dev.tributary.state.WindowKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.apache.pulsar.client.api.Schema;

/**
 * A store of windows as a query reads it, from any thread, in each layout the window operators write:
 * fixed-size windows under their start, sliding windows and sessions under their last instant with
 * their first in front of the value. Reads see the windows as of the last commit.
 */
final class WindowView<K, V> implements ReadOnlyWindowStore<K, V>, ReadOnlySessionStore<K, V> {
    /** Bytes in front of a sliding window's aggregate: its first and last record times. */
    private static final int SLIDING_HEADER = 16;
    /** Bytes in front of a session's aggregate: its first record's time. */
    private static final int SESSION_HEADER = 8;

    private final String name;
    private final Schema<K> keySchema;
    private final Schema<V> valueSchema;
    private final WindowSpec windows;
    private final KeyGroups keyGroups;
    private final ConcurrentReads reads;
    private final Readable readable;

    WindowView(String name, Schema<K> keySchema, Schema<V> valueSchema, WindowSpec windows, KeyGroups keyGroups,
               ConcurrentReads reads, Readable readable) {
        this.name = name;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.windows = windows;
        this.keyGroups = keyGroups;
        this.reads = reads;
        this.readable = readable;
    }

    /** One window read back: where it starts and ends (exclusive), and its value. */
    record Window<V>(long start, long end, V value) {
    }

    private byte[] encode(K key) {
        if (key == null) {
            throw new NullPointerException("window store '" + name + "' has no null keys");
        }
        return keySchema.encode(key);
    }

    /** A stored window: under its start (fixed-size) or its last instant (sliding, session). */
    private Window<V> decode(BytesEntry entry) {
        long at = WindowKeys.startOf(entry.key());
        byte[] value = entry.value();
        return switch (windows.kind()) {
            case TIME -> new Window<>(at, at + windows.sizeMs(), valueSchema.decode(value));
            case SLIDING -> new Window<>(Math.max(0, at - (windows.sizeMs() - 1)), at + 1,
                    valueSchema.decode(Arrays.copyOfRange(value, SLIDING_HEADER, value.length)));
            case SESSION -> new Window<>(ByteBuffer.wrap(value).getLong(), at + 1,
                    valueSchema.decode(Arrays.copyOfRange(value, SESSION_HEADER, value.length)));
            case JOIN -> throw new IllegalStateException("store '" + name + "' holds a join's records");
        };
    }

    /** A key's windows stored under an instant in [from, to], in time order. */
    private List<Window<V>> stored(K key, long from, long to) {
        byte[] bytes = encode(key);
        int group = keyGroups.ofKeyBytes(bytes);
        readable.check(name, key, group);
        List<Window<V>> found = new ArrayList<>();
        if (to < Math.max(0, from)) {
            return found;
        }
        BitSet one = new BitSet();
        one.set(group);
        ChunkedScan scan = new ChunkedScan(reads, one, WindowKeys.entry(bytes, Math.max(0, from)),
                WindowKeys.entry(bytes, to));
        while (scan.hasNext()) {
            found.add(decode(scan.next().entry()));
        }
        return found;
    }

    /** A key's windows whose start lies in [from, to]. */
    List<Window<V>> windows(K key, long from, long to) {
        // Sliding windows and sessions are stored under their end, which is at most a window (or any session
        // length) after their start.
        long lastStored = windows.kind() == WindowSpec.Kind.TIME ? to
                : windows.kind() == WindowSpec.Kind.SLIDING ? saturatedAdd(to, windows.sizeMs()) : Long.MAX_VALUE;
        List<Window<V>> found = new ArrayList<>();
        for (Window<V> window : stored(key, windows.kind() == WindowSpec.Kind.TIME ? from : Math.max(0, from), lastStored)) {
            if (window.start() >= from && window.start() <= to) {
                found.add(window);
            }
        }
        return found;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < a ? Long.MAX_VALUE : sum;
    }

    @Override
    public V fetch(K key, long windowStart) {
        for (Window<V> window : windows(key, windowStart, windowStart)) {
            return window.value();
        }
        return null;
    }

    @Override
    public List<KeyValue<Long, V>> fetch(K key, long timeFrom, long timeTo) {
        return windows(key, timeFrom, timeTo).stream().map(w -> KeyValue.pair(w.start(), w.value())).toList();
    }

    @Override
    public List<KeyValue<Windowed<K>, V>> fetchAll(long timeFrom, long timeTo) {
        List<KeyValue<Windowed<K>, V>> found = new ArrayList<>();
        ChunkedScan scan = new ChunkedScan(reads, readable.groups(), new byte[] {WindowKeys.ENTRY},
                new byte[] {WindowKeys.ENTRY, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        while (scan.hasNext()) {
            BytesEntry entry = scan.next().entry();
            if (!WindowKeys.isEntry(entry.key())) {
                continue;
            }
            Window<V> window = decode(entry);
            if (window.start() >= timeFrom && window.start() <= timeTo) {
                found.add(KeyValue.pair(new Windowed<>(keySchema.decode(WindowKeys.keyOf(entry.key())), window.start(),
                        window.end()), window.value()));
            }
        }
        found.sort((a, b) -> Long.compare(a.key().start(), b.key().start()));
        return found;
    }

    @Override
    public List<KeyValue<Windowed<K>, V>> fetch(K key) {
        return findSessions(key, 0, Long.MAX_VALUE);
    }

    @Override
    public List<KeyValue<Windowed<K>, V>> findSessions(K key, long earliestSessionEnd, long latestSessionStart) {
        List<KeyValue<Windowed<K>, V>> found = new ArrayList<>();
        for (Window<V> window : stored(key, Math.max(0, earliestSessionEnd), Long.MAX_VALUE)) {
            if (window.start() <= latestSessionStart) {
                found.add(KeyValue.pair(new Windowed<>(key, window.start(), window.end()), window.value()));
            }
        }
        return found;
    }
}
