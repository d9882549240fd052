package dev.tributary.runtime.internal.keygroup;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.common.util.Murmur3_32Hash;

/**
 * Assigns key groups to instances by rendezvous (highest random weight) hashing: each key group goes
 * to the instance whose name scores highest with it. Every instance computes the same answer from
 * the same list of names, with no coordinator; when an instance joins it takes only the key groups it
 * now scores highest on, and when one leaves only its key groups move.
 */
public final class Rendezvous {
    private Rendezvous() {
    }

    /** @return each member's key groups; every key group has exactly one owner when members is not empty */
    public static Map<String, BitSet> assign(Collection<String> members, int keyGroups) {
        List<String> names = members.stream().sorted().toList();
        Map<String, BitSet> owned = new HashMap<>();
        for (String name : names) {
            owned.put(name, new BitSet(keyGroups));
        }
        if (names.isEmpty()) {
            return owned;
        }
        byte[][] prefixes = new byte[names.size()][];
        for (int i = 0; i < names.size(); i++) {
            prefixes[i] = (names.get(i) + "#").getBytes(StandardCharsets.UTF_8);
        }
        for (int group = 0; group < keyGroups; group++) {
            int best = 0;
            long bestScore = -1;
            for (int i = 0; i < names.size(); i++) {
                long score = score(prefixes[i], group);
                // Ties go to the first name in sorted order, so that every instance breaks them alike.
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                }
            }
            owned.get(names.get(best)).set(group);
        }
        return owned;
    }

    /**
     * The key groups for which a member is the second choice: the ones it would most likely take over
     * if their owner left, so the ones worth a standby copy.
     */
    public static BitSet runnersUp(Collection<String> members, int keyGroups, String member) {
        BitSet runnerUp = new BitSet(keyGroups);
        List<String> names = members.stream().sorted().toList();
        if (names.size() < 2 || !names.contains(member)) {
            return runnerUp;
        }
        byte[][] prefixes = new byte[names.size()][];
        for (int i = 0; i < names.size(); i++) {
            prefixes[i] = (names.get(i) + "#").getBytes(StandardCharsets.UTF_8);
        }
        for (int group = 0; group < keyGroups; group++) {
            int best = -1;
            int second = -1;
            long bestScore = -1;
            long secondScore = -1;
            for (int i = 0; i < names.size(); i++) {
                long score = score(prefixes[i], group);
                if (score > bestScore) {
                    second = best;
                    secondScore = bestScore;
                    best = i;
                    bestScore = score;
                } else if (score > secondScore) {
                    second = i;
                    secondScore = score;
                }
            }
            if (second >= 0 && names.get(second).equals(member)) {
                runnerUp.set(group);
            }
        }
        return runnerUp;
    }

    private static long score(byte[] prefix, int group) {
        byte[] bytes = new byte[prefix.length + 4];
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        bytes[prefix.length] = (byte) (group >>> 24);
        bytes[prefix.length + 1] = (byte) (group >>> 16);
        bytes[prefix.length + 2] = (byte) (group >>> 8);
        bytes[prefix.length + 3] = (byte) group;
        // Murmur3 of short, similar inputs is well spread; a final mix decorrelates neighbouring groups.
        long h = Murmur3_32Hash.getInstance().makeHash(bytes) & 0xffffffffL;
        h ^= h >>> 16;
        h *= 0x85ebca6bL;
        h ^= h >>> 13;
        return h & 0xffffffffL;
    }

    /** The member that scores second highest with a key group: its standby, or null with fewer than two members. */
    public static String runnerUp(Collection<String> members, int keyGroup) {
        List<String> names = members.stream().sorted().toList();
        String best = null;
        String second = null;
        long bestScore = -1;
        long secondScore = -1;
        for (String name : names) {
            long score = score((name + "#").getBytes(StandardCharsets.UTF_8), keyGroup);
            if (score > bestScore) {
                second = best;
                secondScore = bestScore;
                best = name;
                bestScore = score;
            } else if (score > secondScore) {
                second = name;
                secondScore = score;
            }
        }
        return second;
    }
}
