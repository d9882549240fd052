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
}
