package dev.tributary.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Queries read a store from other threads while its task writes, wipes and re-creates key groups:
 * reads never touch a dropped column family (which would crash the process), chunks are bounded, and
 * a closed store says so.
 */
class ConcurrentReadsTest {
    @TempDir
    Path dir;

    static Stream<String> kinds() {
        return Stream.of("rocksdb", "memory");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private ConcurrentReads open(String kind, StateMemory memory) {
        return new ConcurrentReads(kind.equals("rocksdb") ? Stores.rocksDb("s", dir.resolve("s"), memory)
                : Stores.inMemory("s"));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void readsRunBesideWritesWipesAndReopens(String kind) throws Exception {
        try (StateMemory memory = new StateMemory(8 << 20, 4 << 20)) {
            ConcurrentReads store = open(kind, memory);
            for (int group = 0; group < 4; group++) {
                store.openKeyGroup(group);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            Thread reader = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        for (int group = 0; group < 4; group++) {
                            List<BytesEntry> chunk = store.readChunk(group, null, null, null, Integer.MAX_VALUE);
                            assertTrue(chunk.size() <= ConcurrentReads.CHUNK, "a chunk is bounded");
                            byte[] value = store.read(group, b("k-7"));
                            if (value != null) {
                                assertEquals("v", new String(value, StandardCharsets.UTF_8));
                            }
                            reads.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            int round = 0;
            while (System.nanoTime() < deadline) {
                int group = round++ % 4;
                for (int i = 0; i < 1_500; i++) {
                    store.put(group, b("k-" + i), b("v"));
                }
                store.wipeKeyGroup(group);
            }
            stop.set(true);
            reader.join();
            if (failure.get() != null) {
                throw new AssertionError("a read beside the task failed", failure.get());
            }
            assertTrue(reads.get() > 100, reads.get() + " reads");
            // The task waited at most for one bounded read at a time.
            assertTrue(store.longestWaitNanos() < TimeUnit.MILLISECONDS.toNanos(500),
                    "longest wait " + store.longestWaitNanos() / 1_000 + " µs");
            store.close();
            assertThrows(ConcurrentReads.ClosedException.class, () -> store.read(0, b("k-1")));
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void chunksContinueAfterTheirLastKey(String kind) {
        try (StateMemory memory = new StateMemory(8 << 20, 4 << 20)) {
            ConcurrentReads store = open(kind, memory);
            store.openKeyGroup(0);
            for (int i = 0; i < 2_500; i++) {
                store.put(0, b(String.format("k-%05d", i)), b(Integer.toString(i)));
            }
            List<BytesEntry> first = store.readChunk(0, null, null, null, 5_000);
            assertEquals(ConcurrentReads.CHUNK, first.size());
            List<BytesEntry> second = store.readChunk(0, first.get(first.size() - 1).key(), null, null, 5_000);
            assertEquals("k-01000", new String(second.get(0).key(), StandardCharsets.UTF_8));
            List<BytesEntry> last = store.readChunk(0, b("k-01999"), null, b("k-02100"), 5_000);
            assertEquals(101, last.size());
            assertNull(store.read(0, b("absent")));
            store.close();
        }
    }
}
