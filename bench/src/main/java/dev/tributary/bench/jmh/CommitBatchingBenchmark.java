package dev.tributary.bench.jmh;

import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.output.KeyGroupBatcher;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The commit's output side without a broker: 1,000 outputs over 10,000 keys sorted into key-group
 * buckets (hashing each key with the broker's Murmur3) and handed over bucket by bucket, per record.
 */
public class CommitBatchingBenchmark extends HotPathBenchmark {
    private static final int PER_COMMIT = 1000;
    private KeyGroupBatcher<Object, Object> batcher;
    private byte[][] keys;
    private int next;

    @Setup
    public void setUp(Blackhole blackhole) {
        batcher = new KeyGroupBatcher<>(new KeyGroups(64), 1000, new KeyGroupBatcher.Sink<>() {
            @Override
            public void send(Object message, Object origin) {
                blackhole.consume(origin);
            }

            @Override
            public void endBatch() {
                blackhole.consume(this);
            }
        });
        java.util.Random random = new java.util.Random(42);
        keys = new byte[4096][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ("key-" + random.nextInt(10_000)).getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PER_COMMIT)
    public void batchACommitsOutputs() {
        for (int i = 0; i < PER_COMMIT; i++) {
            batcher.add(keys[next++ & 4095], null, keys);
        }
        batcher.flush();
    }
}
