package dev.tributary.runtime.internal.keygroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import org.apache.pulsar.client.api.Range;
import org.apache.pulsar.common.util.Murmur3_32Hash;
import org.junit.jupiter.api.Test;

class KeyGroupsTest {
    @Test
    void aKeysSlotIsTheBrokersStickyHashOfItsBytes() {
        for (int i = 0; i < 1000; i++) {
            byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
            assertEquals(Murmur3_32Hash.getInstance().makeHash(key) % KeyGroups.HASH_SLOTS, KeyGroups.slotOf(key));
        }
    }

    @Test
    void keyGroupsCutTheHashSpaceIntoContiguousRangesThatCoverItOnce() {
        KeyGroups groups = new KeyGroups(64);
        int next = 0;
        for (int group = 0; group < 64; group++) {
            assertEquals(next, groups.firstSlot(group));
            assertEquals(group, groups.ofSlot(groups.firstSlot(group)));
            assertEquals(group, groups.ofSlot(groups.lastSlot(group)));
            next = groups.lastSlot(group) + 1;
        }
        assertEquals(KeyGroups.HASH_SLOTS, next);
    }

    @Test
    void aKeysGroupHoldsItsSlot() {
        KeyGroups groups = new KeyGroups(7);
        for (int i = 0; i < 1000; i++) {
            byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
            int group = groups.ofKeyBytes(key);
            int slot = KeyGroups.slotOf(key);
            assertTrue(groups.firstSlot(group) <= slot && slot <= groups.lastSlot(group));
            assertEquals(group, groups.ofKey("k" + i));
        }
    }

    @Test
    void adjacentKeyGroupsBecomeOneStickyRange() {
        KeyGroups groups = new KeyGroups(4);
        BitSet some = new BitSet();
        some.set(0);
        some.set(1);
        some.set(3);
        List<Range> ranges = groups.ranges(some);
        assertEquals(2, ranges.size(), ranges.toString());
        assertEquals(0, ranges.get(0).getStart());
        assertEquals(groups.lastSlot(1), ranges.get(0).getEnd());
        assertEquals(groups.firstSlot(3), ranges.get(1).getStart());
        assertEquals(KeyGroups.HASH_SLOTS - 1, ranges.get(1).getEnd());
    }
}
