package dev.tributary.bench.jmh;

import dev.tributary.runtime.internal.state.SharedStateMemory;
import dev.tributary.state.KeyGroupedStore;
import dev.tributary.state.StateMemory;
import dev.tributary.state.Stores;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/** Reads and writes of the RocksDB store (a column family per key group, write-ahead log off) over 100,000 keys. */
public class StoreBenchmark extends HotPathBenchmark {
    private static final int KEYS = 100_000;
    private Path directory;
    private KeyGroupedStore store;
    private byte[][] keys;
    private final byte[] value = ByteBuffer.allocate(8).putLong(42).array();
    private int next;

    @Setup
    public void setUp() throws Exception {
        directory = Files.createTempDirectory("tributary-jmh-store");
        StateMemory memory = SharedStateMemory.acquire(64L << 20, 32L << 20);
        store = Stores.rocksDb("jmh", directory, memory);
        store.openKeyGroup(0);
        keys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = ("key-" + i).getBytes(StandardCharsets.UTF_8);
            store.put(0, keys[i], value);
        }
    }

    @Benchmark
    public byte[] get() {
        return store.get(0, keys[next++ % KEYS]);
    }

    @Benchmark
    public void put() {
        store.put(0, keys[next++ % KEYS], value);
    }

    @Benchmark
    public void readModifyWrite() {
        byte[] key = keys[next++ % KEYS];
        byte[] current = store.get(0, key);
        long count = (current == null ? 0 : ByteBuffer.wrap(current).getLong()) + 1;
        store.put(0, key, ByteBuffer.allocate(8).putLong(count).array());
    }

    @TearDown
    public void tearDown() throws Exception {
        store.close();
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
