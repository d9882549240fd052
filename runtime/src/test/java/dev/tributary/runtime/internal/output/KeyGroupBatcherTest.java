package dev.tributary.runtime.internal.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.runtime.internal.keygroup.KeyGroups;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyGroupBatcherTest {
    private final KeyGroups keyGroups = new KeyGroups(16);
    /** Each run the batcher hands over, as the keys of its messages. */
    private final List<List<String>> runs = new ArrayList<>();
    private List<String> current = new ArrayList<>();

    private KeyGroupBatcher<String, String> batcher(int maxRecords) {
        return new KeyGroupBatcher<>(keyGroups, maxRecords, new KeyGroupBatcher.Sink<>() {
            @Override
            public void send(String message, String origin) {
                assertEquals(message, origin, "each message goes out with its own origin");
                current.add(message);
            }

            @Override
            public void endBatch() {
                runs.add(current);
                current = new ArrayList<>();
            }
        });
    }

    private static byte[] bytes(String key) {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyRunHoldsOneKeyGroupAndKeepsEachKeysOrder() {
        KeyGroupBatcher<String, String> batcher = batcher(1000);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            String message = "k" + (i % 300) + "#" + i;
            sent.add(message);
            batcher.add(bytes("k" + (i % 300)), message, message);
        }
        batcher.flush();
        assertTrue(batcher.isEmpty());
        List<String> received = new ArrayList<>();
        for (List<String> run : runs) {
            Set<Integer> groups = new HashSet<>();
            for (String message : run) {
                groups.add(keyGroups.ofKey(message.substring(0, message.indexOf('#'))));
            }
            assertEquals(1, groups.size(), "a run mixes key groups " + groups);
            received.addAll(run);
        }
        assertEquals(5000, received.size());
        for (int key = 0; key < 300; key++) {
            String prefix = "k" + key + "#";
            assertEquals(sent.stream().filter(m -> m.startsWith(prefix)).toList(),
                    received.stream().filter(m -> m.startsWith(prefix)).toList(), "order of key " + key);
        }
        assertTrue(runs.size() <= 16, "one run per key group at the flush, got " + runs.size());
    }

    @Test
    void aKeyGroupLeavesAsSoonAsItHoldsTheMaximum() {
        KeyGroupBatcher<String, String> batcher = batcher(3);
        for (int i = 0; i < 3; i++) {
            batcher.add(bytes("same"), "same#" + i, "same#" + i);
        }
        assertEquals(List.of(List.of("same#0", "same#1", "same#2")), runs);
        assertTrue(batcher.isEmpty());
    }

    @Test
    void keylessMessagesShareTheirOwnRun() {
        KeyGroupBatcher<String, String> batcher = batcher(100);
        batcher.add(null, "none#1", "none#1");
        batcher.add(bytes("a"), "a#2", "a#2");
        batcher.add(null, "none#3", "none#3");
        batcher.flush();
        assertTrue(runs.contains(List.of("none#1", "none#3")), runs.toString());
        assertEquals(2, runs.size());
    }

    /** Keys of the given key group, distinct, as many as asked. */
    private List<String> keysOf(int group, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            if (keyGroups.ofKey("x" + i) == group) {
                keys.add("x" + i);
            }
        }
        return keys;
    }

    @Test
    void whileFlushingALongRunOfOneKeyGroupLeavesWhenAnotherGroupFollows() {
        KeyGroupBatcher<String, String> batcher = batcher(1000);
        batcher.runsLeaveAsTheyEnd(true);
        List<String> first = keysOf(3, KeyGroupBatcher.RUN_LEAVES_AT);
        List<String> second = keysOf(5, 2);
        for (String key : first) {
            batcher.add(bytes(key), key, key);
        }
        assertTrue(runs.isEmpty(), "a run that has not ended waits");
        batcher.add(bytes(second.get(0)), second.get(0), second.get(0));
        assertEquals(List.of(first), runs, "the ended run left at once, whole");
        batcher.add(bytes(second.get(1)), second.get(1), second.get(1));
        assertEquals(1, runs.size(), "the next group's run waits for its own end");
        batcher.flush();
        assertEquals(List.of(first, second), runs);
    }

    @Test
    void whileFlushingShortRunsWaitForTheDrain() {
        KeyGroupBatcher<String, String> batcher = batcher(1000);
        batcher.runsLeaveAsTheyEnd(true);
        List<String> a = keysOf(1, KeyGroupBatcher.RUN_LEAVES_AT - 1);
        List<String> b = keysOf(2, KeyGroupBatcher.RUN_LEAVES_AT - 1);
        for (String key : a) {
            batcher.add(bytes(key), key, key);
        }
        for (String key : b) {
            batcher.add(bytes(key), key, key);
        }
        batcher.add(bytes(a.get(0)), "again", "again");
        assertTrue(runs.isEmpty(), "runs shorter than " + KeyGroupBatcher.RUN_LEAVES_AT + " are held");
        batcher.flush();
        List<String> groupA = new ArrayList<>(a);
        groupA.add("again");
        assertEquals(Set.of(groupA, b), new HashSet<>(runs));
    }

    @Test
    void outsideAFlushLongRunsWaitLikeAnyOther() {
        KeyGroupBatcher<String, String> batcher = batcher(1000);
        List<String> first = keysOf(3, 2 * KeyGroupBatcher.RUN_LEAVES_AT);
        List<String> second = keysOf(5, 1);
        batcher.runsLeaveAsTheyEnd(true);
        batcher.runsLeaveAsTheyEnd(false);
        for (String key : first) {
            batcher.add(bytes(key), key, key);
        }
        batcher.add(bytes(second.get(0)), second.get(0), second.get(0));
        assertTrue(runs.isEmpty(), "input batched by key group upstream arrives in runs; they are not cut short");
        batcher.flush();
        assertEquals(Set.of(first, second), new HashSet<>(runs));
    }
}
