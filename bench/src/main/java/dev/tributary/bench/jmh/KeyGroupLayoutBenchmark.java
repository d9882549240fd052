package dev.tributary.bench.jmh;

import dev.tributary.runtime.internal.state.SharedStateMemory;
import dev.tributary.state.KeyGroupedStore;
import dev.tributary.state.StateMemory;
import dev.tributary.state.Stores;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of a RocksDB write as B3 makes them at 1,000,000 uniform keys, with the keys spread over
 * one key group or over 64 (a column family each, under one write-buffer budget, as in a job), written
 * one put at a time (as the write-back cache's flush does) or as one write batch per key group and
 * commit, and after other work has emptied the caches. Measures three of the hypotheses for the
 * per-put gap in docs/BENCHMARKS.md.
 */
public class KeyGroupLayoutBenchmark extends HotPathBenchmark {
    private static final int KEYS = 1_000_000;
    /** About what one key group gets in one of B3's commits (4,000 records over 64 key groups). */
    private static final int BATCH = 64;

    @Param({"1", "64"})
    public int groups;

    private Path directory;
    private KeyGroupedStore store;
    private byte[][] keys;
    private int next;
    private long count;
    private final List<byte[]> batchKeys = new ArrayList<>(BATCH);
    private final List<byte[]> batchValues = new ArrayList<>(BATCH);

    @Setup
    public void setUp() throws Exception {
        directory = Files.createTempDirectory("tributary-jmh-layout");
        StateMemory memory = SharedStateMemory.acquire(64L << 20, 32L << 20);
        store = Stores.rocksDb("jmh", directory, memory);
        for (int group = 0; group < groups; group++) {
            store.openKeyGroup(group);
        }
        keys = new byte[KEYS][];
        // Uniform: a key's place in the array says nothing about its key group or its neighbours.
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < KEYS; i++) {
            keys[i] = ("key-" + random.nextInt(Integer.MAX_VALUE)).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Each run of BATCH keys belongs to one key group, in both benchmarks: a key stays in its group. */
    private int groupOf(int index) {
        return (index / BATCH) % groups;
    }

    private byte[] value() {
        return ByteBuffer.allocate(8).putLong(++count).array();
    }

    /** One put per record, each to its key's key group. */
    @Benchmark
    public void put() {
        int i = next++ % KEYS;
        store.put(groupOf(i), keys[i], value());
    }

    /** A key group's writes of one commit as one batch. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void putBatch() {
        int group = groupOf(next % KEYS);
        batchKeys.clear();
        batchValues.clear();
        for (int j = 0; j < BATCH; j++) {
            batchKeys.add(keys[next++ % KEYS]);
            batchValues.add(value());
        }
        store.putAll(group, batchKeys, batchValues);
    }

    /** Stands for the rest of a record's work in a job: each call walks 256 KiB of a 2 MiB array. */
    private final long[] elsewhere = new long[256 * 1024];
    private int walk;

    private long touchElsewhere() {
        long sum = 0;
        // A cache line in 8 longs: 4,096 lines per call, spread over the array from call to call.
        for (int k = 0; k < 4096; k++) {
            walk = (walk + 8 * 97) & (elsewhere.length - 1);
            sum += elsewhere[walk]++;
        }
        return sum;
    }

    /** The stand-in work alone, to subtract from {@link #putAfterOtherWork}. */
    @Benchmark
    public long otherWork() {
        return touchElsewhere();
    }

    /** A put after the stand-in work has pushed RocksDB's data out of the caches. */
    @Benchmark
    public long putAfterOtherWork() {
        long sum = touchElsewhere();
        int i = next++ % KEYS;
        store.put(groupOf(i), keys[i], value());
        return sum;
    }

    @TearDown
    public void tearDown() throws Exception {
        store.close();
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
