package dev.tributary.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class UncommittedWritesTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Stream<String> kinds() {
        return Stream.of("rocksdb", "memory");
    }

    private KeyGroupedStore open(String kind, StateMemory memory) {
        return kind.equals("rocksdb") ? Stores.rocksDb("s", dir.resolve("s"), memory) : Stores.inMemory("s");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void heldWritesAreSeenButReachTheStoreOnlyAtCommit(String kind) {
        try (StateMemory memory = new StateMemory(16 << 20, 8 << 20); KeyGroupedStore below = open(kind, memory)) {
            UncommittedWrites store = new UncommittedWrites(below);
            store.openKeyGroup(1);
            below.put(1, b("a"), b("old"));
            below.put(1, b("b"), b("kept"));
            store.put(1, b("a"), b("new"));
            store.put(1, b("b"), null);
            store.put(1, b("c"), b("added"));
            assertArrayEquals(b("new"), store.get(1, b("a")));
            assertNull(store.get(1, b("b")));
            assertEquals(List.of("a=new", "c=added"), entries(store.range(1, null, null)));
            assertArrayEquals(b("old"), below.get(1, b("a")), "nothing reached the store before the commit");

            store.discard();
            assertEquals(List.of("a=old", "b=kept"), entries(store.range(1, null, null)), "an abort leaves the store as it was");

            store.put(1, b("a"), b("new"));
            store.put(1, b("b"), null);
            store.commit();
            assertEquals(0, store.heldWrites());
            assertEquals(List.of("a=new"), entries(below.range(1, null, null)));
        }
    }

    @Test
    void rangesMergeHeldAndStoredEntriesInKeyOrder() {
        try (StateMemory memory = new StateMemory(16 << 20, 8 << 20);
             KeyGroupedStore below = Stores.rocksDb("s", dir.resolve("r"), memory)) {
            UncommittedWrites store = new UncommittedWrites(below);
            store.openKeyGroup(0);
            TreeMap<byte[], byte[]> expected = new TreeMap<>(Arrays::compareUnsigned);
            Random random = new Random(7);
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 200; i++) {
                    byte[] key = new byte[] {(byte) random.nextInt(256), (byte) random.nextInt(8)};
                    byte[] value = random.nextInt(4) == 0 ? null : new byte[] {(byte) round, (byte) i};
                    store.put(0, key, value);
                    if (value == null) {
                        expected.remove(key);
                    } else {
                        expected.put(key, value);
                    }
                }
                byte[] from = {(byte) random.nextInt(128)};
                byte[] to = {(byte) (128 + random.nextInt(128))};
                assertEquals(describe(expected.subMap(from, true, to, true)), entries(store.range(0, from, to)),
                        "round " + round);
                assertEquals(describe(expected), entries(store.range(0, null, null)), "round " + round);
                if (round % 3 == 0) {
                    store.commit();
                    assertEquals(describe(expected), entries(below.range(0, null, null)), "committed, round " + round);
                }
            }
        }
    }

    /**
     * A commit in flight: its writes are sealed while the next interval writes above them; reads and
     * ranges see the newest layer first, and the store only what committed.
     */
    @Test
    void writesAboveASealedCommitSeeItAndReachTheStoreInOrder() {
        try (StateMemory memory = new StateMemory(16 << 20, 8 << 20);
             KeyGroupedStore below = Stores.rocksDb("s", dir.resolve("p"), memory)) {
            UncommittedWrites store = new UncommittedWrites(below);
            store.openKeyGroup(0);
            TreeMap<byte[], byte[]> expected = new TreeMap<>(Arrays::compareUnsigned);
            TreeMap<byte[], byte[]> committed = new TreeMap<>(Arrays::compareUnsigned);
            TreeMap<byte[], byte[]> inFlight = null;
            Random random = new Random(11);
            for (int round = 0; round < 30; round++) {
                for (int i = 0; i < 150; i++) {
                    byte[] key = new byte[] {(byte) random.nextInt(64), (byte) random.nextInt(4)};
                    byte[] value = random.nextInt(4) == 0 ? null : new byte[] {(byte) round, (byte) i};
                    store.put(0, key, value);
                    if (value == null) {
                        expected.remove(key);
                    } else {
                        expected.put(key, value);
                    }
                }
                byte[] from = {(byte) random.nextInt(32)};
                byte[] to = {(byte) (32 + random.nextInt(32))};
                assertEquals(describe(expected.subMap(from, true, to, true)), entries(store.range(0, from, to)),
                        "round " + round);
                for (byte[] key : List.of(new byte[] {1, 1}, new byte[] {40, 2}, new byte[] {63, 3})) {
                    assertEquals(Arrays.toString(expected.get(key)), Arrays.toString(store.get(0, key)), "round " + round);
                }
                // The commit in flight ends, then this interval's writes are sealed for the next.
                if (inFlight != null) {
                    store.commitSealed();
                    committed = inFlight;
                }
                assertEquals(describe(committed), entries(below.range(0, null, null)), "committed, round " + round);
                store.seal();
                inFlight = new TreeMap<>(expected);
            }
            store.put(0, new byte[] {9}, new byte[] {9});
            store.discard();
            assertEquals(describe(committed), entries(store.range(0, null, null)),
                    "an abort drops the sealed and the held writes");
        }
    }

    @Test
    void aFlushIsHeldUntilTheCommitLikeSingleWrites() {
        try (KeyGroupedStore below = Stores.inMemory("s")) {
            below.openKeyGroup(0);
            UncommittedWrites store = new UncommittedWrites(below);
            store.writeAll(List.of(new StoreWrite(0, "k".getBytes(StandardCharsets.UTF_8),
                    "v".getBytes(StandardCharsets.UTF_8))));
            assertNull(below.get(0, "k".getBytes(StandardCharsets.UTF_8)), "held until the commit");
            assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), store.get(0, "k".getBytes(StandardCharsets.UTF_8)));
            store.commit();
            assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), below.get(0, "k".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void restoresWriteThrough() {
        try (KeyGroupedStore below = Stores.inMemory("s")) {
            UncommittedWrites store = new UncommittedWrites(below);
            store.openKeyGroup(3);
            store.putAll(3, List.of(b("k")), List.of(b("v")));
            assertArrayEquals(b("v"), below.get(3, b("k")));
        }
    }

    private static List<String> describe(Map<byte[], byte[]> map) {
        List<String> out = new ArrayList<>();
        map.forEach((k, v) -> out.add(Arrays.toString(k) + "=" + Arrays.toString(v)));
        return out;
    }

    private static List<String> entries(BytesIterator iterator) {
        List<String> out = new ArrayList<>();
        try (iterator) {
            while (iterator.hasNext()) {
                BytesEntry entry = iterator.next();
                boolean text = entry.key().length == 1 && Character.isLetter(entry.key()[0]);
                out.add(text ? new String(entry.key(), StandardCharsets.UTF_8) + "="
                        + new String(entry.value(), StandardCharsets.UTF_8)
                        : Arrays.toString(entry.key()) + "=" + Arrays.toString(entry.value()));
            }
        }
        return out;
    }
}
