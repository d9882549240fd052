package dev.tributary.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.state.KeyValueIterator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StoresTest {
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
    void keyGroupsAreSeparateAndWipedAlone(String kind) {
        try (StateMemory memory = new StateMemory(16 << 20, 8 << 20); KeyGroupedStore store = open(kind, memory)) {
            store.openKeyGroup(1);
            store.openKeyGroup(2);
            store.put(1, b("a"), b("1"));
            store.put(2, b("a"), b("2"));
            assertArrayEquals(b("1"), store.get(1, b("a")));
            assertArrayEquals(b("2"), store.get(2, b("a")));
            store.wipeKeyGroup(1);
            assertNull(store.get(1, b("a")));
            assertArrayEquals(b("2"), store.get(2, b("a")));
            store.put(2, b("a"), null);
            assertNull(store.get(2, b("a")));
            assertThrows(IllegalStateException.class, () -> store.get(3, b("a")));
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aWipeEmptiesAKeyGroupWrittenOneByOneInBatchesOrInAnEarlierRun(String kind) {
        try (StateMemory memory = new StateMemory(16 << 20, 8 << 20)) {
            try (KeyGroupedStore store = open(kind, memory)) {
                store.openKeyGroup(1);
                store.openKeyGroup(2);
                // Never written: the wipe has nothing to remove, and the key group stays usable.
                store.wipeKeyGroup(1);
                store.put(1, b("a"), b("1"));
                assertArrayEquals(b("1"), store.get(1, b("a")));
                store.wipeKeyGroup(1);
                assertNull(store.get(1, b("a")));
                store.putAll(2, List.of(b("x"), b("y")), java.util.Arrays.asList(b("1"), null));
                store.wipeKeyGroup(2);
                assertNull(store.get(2, b("x")));
                store.put(2, b("kept"), b("2"));
                // Opened together, an open key group among them: it keeps what it holds.
                BitSet together = new BitSet();
                together.set(2, 5);
                store.openKeyGroups(together);
                assertArrayEquals(b("2"), store.get(2, b("kept")));
                store.put(4, b("b"), b("4"));
                assertArrayEquals(b("4"), store.get(4, b("b")));
                assertNull(store.get(3, b("b")));
                store.persist();
            }
            if (kind.equals("rocksdb")) {
                // Opened again from its files: what an earlier run wrote is wiped too.
                try (KeyGroupedStore store = open(kind, memory)) {
                    store.openKeyGroup(2);
                    assertArrayEquals(b("2"), store.get(2, b("kept")));
                    store.wipeKeyGroup(2);
                    assertNull(store.get(2, b("kept")));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aKeyOfAKeyGroupThatDoesNotRunHereIsRefusedNamingItsGroupAndOwner(String kind) {
        try (StateMemory memory = new StateMemory(16 << 20, 8 << 20); KeyGroupedStore store = open(kind, memory)) {
            BitSet owned = new BitSet();
            owned.set(0, 2);
            // Key groups 2 and 3 were open here and have just been released: still open, no longer run here.
            for (int group = 0; group < 4; group++) {
                store.openKeyGroup(group);
            }
            TypedStore<String, Long> typed = new TypedStore<>("s", Schema.STRING, Schema.INT64,
                    bytes -> bytes[0] % 4, () -> owned, new LoggedStore(store, null),
                    group -> "runs on instance 'other'");
            String mine = "a";   // 'a' is 97: key group 1
            String theirs = "c"; // 'c' is 99: key group 3
            typed.put(mine, 1L);
            assertEquals(1L, typed.get(mine));
            IllegalStateException write = assertThrows(IllegalStateException.class, () -> typed.put(theirs, 2L));
            assertTrue(write.getMessage().contains("key 'c' is in key group 3, which runs on instance 'other'"),
                    write.getMessage());
            assertThrows(IllegalStateException.class, () -> typed.get(theirs));
            assertThrows(IllegalStateException.class, () -> typed.delete(theirs));
            assertNull(store.get(3, Schema.STRING.encode(theirs)), "nothing written into the released key group");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void typedStoreScansAcrossKeyGroupsInKeyOrder(String kind) {
        try (StateMemory memory = new StateMemory(16 << 20, 8 << 20); KeyGroupedStore store = open(kind, memory)) {
            BitSet owned = new BitSet();
            owned.set(0, 4);
            owned.stream().forEach(store::openKeyGroup);
            TypedStore<String, Long> typed = new TypedStore<>("s", Schema.STRING, Schema.INT64,
                    bytes -> Math.abs(new String(bytes, StandardCharsets.UTF_8).hashCode()) % 4, () -> owned,
                    new LoggedStore(store, null), group -> "runs elsewhere");
            for (String key : List.of("apple", "banana", "apricot", "cherry", "avocado")) {
                typed.put(key, (long) key.length());
            }
            assertEquals(6L, typed.get("banana"));
            assertNull(typed.putIfAbsent("kiwi", 4L));
            assertEquals(4L, typed.putIfAbsent("kiwi", 9L));
            assertEquals(4L, typed.delete("kiwi"));
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, Long> all = typed.all()) {
                all.forEachRemaining(kv -> keys.add(kv.key()));
            }
            assertEquals(List.of("apple", "apricot", "avocado", "banana", "cherry"), keys);
            List<KeyValue<String, Long>> prefixed = new ArrayList<>();
            try (KeyValueIterator<String, Long> scan = typed.prefixScan("ap")) {
                scan.forEachRemaining(prefixed::add);
            }
            assertEquals(List.of(KeyValue.pair("apple", 5L), KeyValue.pair("apricot", 7L)), prefixed);
            List<String> ranged = new ArrayList<>();
            try (KeyValueIterator<String, Long> range = typed.range("b", "c")) {
                range.forEachRemaining(kv -> ranged.add(kv.key()));
            }
            assertEquals(List.of("banana"), ranged);
        }
    }

    @Test
    void rocksDbKeepsPersistedDataAcrossReopen() {
        try (StateMemory memory = new StateMemory(16 << 20, 8 << 20)) {
            try (KeyGroupedStore store = Stores.rocksDb("s", dir.resolve("s"), memory)) {
                store.openKeyGroup(7);
                store.put(7, b("k"), b("v"));
                store.persist();
            }
            try (KeyGroupedStore store = Stores.rocksDb("s", dir.resolve("s"), memory)) {
                assertArrayEquals(b("v"), store.get(7, b("k")), "the key group's column family is reopened");
            }
        }
    }

    @Test
    void allStoresShareOneBoundedBlockCacheAndWriteBufferBudget() {
        long cacheBytes = 32L << 20;
        long writeBufferBytes = 8L << 20;
        try (StateMemory memory = new StateMemory(cacheBytes, writeBufferBytes);
             KeyGroupedStore first = Stores.rocksDb("first", dir.resolve("first"), memory);
             KeyGroupedStore second = Stores.rocksDb("second", dir.resolve("second"), memory)) {
            for (KeyGroupedStore store : List.of(first, second)) {
                for (int group = 0; group < 4; group++) {
                    store.openKeyGroup(group);
                }
            }
            byte[] value = new byte[1024];
            for (int i = 0; i < 40_000; i++) {
                byte[] key = b("key-" + i);
                first.put(i % 4, key, value);
                second.put(i % 4, key, value);
            }
            // 80 MB were written; the memtables of both stores together stay within the shared budget.
            long memtables = 0;
            for (KeyGroupedStore store : List.of(first, second)) {
                for (int group = 0; group < 4; group++) {
                    memtables += Stores.rocksDbProperty(store, group, "rocksdb.cur-size-all-mem-tables");
                    assertEquals(cacheBytes, Stores.rocksDbProperty(store, group, "rocksdb.block-cache-capacity"));
                }
            }
            assertTrue(memtables <= writeBufferBytes * 3 / 2, "memtables use " + memtables + " bytes");
            assertTrue(memory.usedBytes() <= cacheBytes * 11 / 10, "shared cache holds " + memory.usedBytes());
        }
    }

    @Test
    void theRecordCacheWritesEachHotKeyOnceAtTheFlush() {
        List<String> logged = new ArrayList<>();
        KeyGroupedStore store = Stores.inMemory("s");
        store.openKeyGroup(0);
        RecordCache cache = new RecordCache(new LoggedStore(store,
                (name, group, key, value) -> logged.add(new String(key, StandardCharsets.UTF_8))), 100);
        List<String> emitted = new ArrayList<>();
        cache.onFlush((group, key, value) -> emitted.add(new String(key, StandardCharsets.UTF_8) + "="
                + (value == null ? null : new String(value, StandardCharsets.UTF_8))));
        for (int i = 0; i < 50; i++) {
            cache.put(0, b("hot"), b(Integer.toString(i)));
        }
        cache.put(0, b("gone"), b("x"));
        cache.put(0, b("gone"), null);
        assertArrayEquals(b("49"), cache.get(0, b("hot")));
        assertNull(store.get(0, b("hot")), "nothing reaches the store before the flush");
        cache.flush();
        assertEquals(List.of("hot", "gone"), logged);
        assertEquals(List.of("hot=49", "gone=null"), emitted);
        assertArrayEquals(b("49"), store.get(0, b("hot")));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aFlushWritesManyKeyGroupsInOneStepInOrder(String kind) {
        try (StateMemory memory = new StateMemory(16 << 20, 8 << 20); KeyGroupedStore store = open(kind, memory)) {
            store.openKeyGroup(1);
            store.openKeyGroup(2);
            store.put(2, b("gone"), b("old"));
            store.writeAll(List.of(new StoreWrite(1, b("a"), b("1")), new StoreWrite(2, b("a"), b("2")),
                    new StoreWrite(1, b("a"), b("3")), new StoreWrite(2, b("gone"), null)));
            assertArrayEquals(b("3"), store.get(1, b("a")), "the later write of a key wins");
            assertArrayEquals(b("2"), store.get(2, b("a")));
            assertNull(store.get(2, b("gone")), "a null value deletes");
        }
    }

    @Test
    void aFlushReachesTheChangelogAndDownstreamInOneRunPerKeyGroupKeepingEachGroupsOrder() {
        KeyGroupedStore store = Stores.inMemory("s");
        store.openKeyGroup(0);
        store.openKeyGroup(1);
        List<String> appended = new ArrayList<>();
        ChangelogWriter changelog = new ChangelogWriter() {
            @Override
            public void append(String name, int group, byte[] key, byte[] value) {
                appended.add(group + ":" + new String(key, StandardCharsets.UTF_8));
            }

            @Override
            public void appendAll(String name, List<StoreWrite> writes) {
                appended.add("run");
                ChangelogWriter.super.appendAll(name, writes);
            }
        };
        RecordCache cache = new RecordCache(new LoggedStore(store, changelog), 100);
        List<String> emitted = new ArrayList<>();
        cache.onFlush((group, key, value) -> emitted.add(new String(key, StandardCharsets.UTF_8)));
        cache.put(1, b("a"), b("1"));
        cache.put(0, b("b"), b("1"));
        cache.put(1, b("c"), b("1"));
        cache.put(0, b("d"), b("1"));
        cache.flush();
        assertEquals(List.of("run", "0:b", "0:d", "1:a", "1:c"), appended);
        assertEquals(List.of("b", "d", "a", "c"), emitted,
                "downstream hears of the entries key group by key group, each group's in the cache's order");
    }

    @Test
    void aFlushIsWrittenWholeBeforeItsFirstEntryIsEmitted() {
        KeyGroupedStore store = Stores.inMemory("s");
        store.openKeyGroup(0);
        store.openKeyGroup(1);
        RecordCache cache = new RecordCache(new LoggedStore(store, null), 100);
        List<String> seen = new ArrayList<>();
        // A listener that reads the store, as a table's update feeding a lookup of the same table does.
        cache.onFlush((group, key, value) -> seen.add(new String(key, StandardCharsets.UTF_8) + " sees b="
                + new String(store.get(1, b("b")), StandardCharsets.UTF_8)));
        cache.put(0, b("a"), b("1"));
        cache.put(1, b("b"), b("2"));
        cache.flush();
        assertEquals(List.of("a sees b=2", "b sees b=2"), seen);
    }

    @Test
    void theRecordCacheIsBounded() {
        KeyGroupedStore store = Stores.inMemory("s");
        store.openKeyGroup(0);
        RecordCache cache = new RecordCache(new LoggedStore(store, null), 10);
        for (int i = 0; i < 25; i++) {
            cache.put(0, b("k" + i), b("v"));
        }
        assertEquals(10, cache.size());
        assertArrayEquals(b("v"), store.get(0, b("k0")), "the oldest entries were written out early");
    }

    @Test
    void checkpointsRoundTripAndCorruptionIsDetected() throws Exception {
        Path file = dir.resolve("store/checkpoint");
        assertTrue(Checkpoint.read(file).isEmpty());
        Checkpoint.write(file, Map.of(3, b("position-3"), 1, b("position-1")));
        Map<Integer, byte[]> read = Checkpoint.read(file).orElseThrow();
        assertArrayEquals(b("position-3"), read.get(3));
        Files.writeString(file, Files.readString(file).replace("1 ", "2 "));
        assertThrows(Checkpoint.CorruptCheckpointException.class, () -> Checkpoint.read(file));
        Files.writeString(file, "garbage");
        assertThrows(Checkpoint.CorruptCheckpointException.class, () -> Checkpoint.read(file));
    }

    @Test
    void aStateDirectoryIsLockedByOneOwner() {
        try (StateDirectory first = StateDirectory.lock(dir.resolve("job"))) {
            StateException error = assertThrows(StateException.class, () -> StateDirectory.lock(dir.resolve("job")));
            assertTrue(error.getMessage().contains("is in use by another process"), error.getMessage());
        }
        StateDirectory.lock(dir.resolve("job")).close();
    }
}
