package dev.tributary.runtime.internal.keygroup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.pulsar.client.api.Range;
import org.apache.pulsar.common.util.Murmur3_32Hash;

/**
 * Cuts the broker's 65536-slot Key_Shared hash space into a fixed number of contiguous key groups.
 * A key's slot is computed exactly as the broker computes it for sticky dispatch (Murmur3 of the
 * key bytes, modulo 65536), so the owner of a key group's range receives all of its keys.
 */
public final class KeyGroups {
    public static final int HASH_SLOTS = 65536;

    private final int count;

    public KeyGroups(int count) {
        if (count < 1 || count > HASH_SLOTS) {
            throw new IllegalArgumentException("key groups must be between 1 and " + HASH_SLOTS + ", got " + count);
        }
        this.count = count;
    }

    public int count() {
        return count;
    }

    public static int slotOf(byte[] keyBytes) {
        return Murmur3_32Hash.getInstance().makeHash(keyBytes) % HASH_SLOTS;
    }

    public int ofKeyBytes(byte[] keyBytes) {
        return ofSlot(slotOf(keyBytes));
    }

    public int ofKey(String key) {
        return ofKeyBytes(key.getBytes(StandardCharsets.UTF_8));
    }

    /** Key group i holds slots [ceil(i*S/n), ceil((i+1)*S/n)), so this is floor(slot*n/S). */
    public int ofSlot(int slot) {
        return (int) ((long) slot * count / HASH_SLOTS);
    }

    public int firstSlot(int keyGroup) {
        return (int) (((long) keyGroup * HASH_SLOTS + count - 1) / count);
    }

    public int lastSlot(int keyGroup) {
        return firstSlot(keyGroup + 1) - 1;
    }

    /** The sticky hash ranges covering a set of key groups, adjacent groups merged. */
    public List<Range> ranges(BitSet keyGroups) {
        List<Range> ranges = new ArrayList<>();
        int group = keyGroups.nextSetBit(0);
        while (group >= 0 && group < count) {
            int end = keyGroups.nextClearBit(group) - 1;
            end = Math.min(end, count - 1);
            ranges.add(Range.of(firstSlot(group), lastSlot(end)));
            group = keyGroups.nextSetBit(end + 1);
        }
        return ranges;
    }

    public BitSet all() {
        BitSet all = new BitSet(count);
        all.set(0, count);
        return all;
    }
}
