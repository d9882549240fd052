package dev.tributary.runtime.internal.keygroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousTest {
    private static final int GROUPS = 64;

    private static List<String> members(int n) {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            members.add("instance-" + i);
        }
        return members;
    }

    private static int moved(Map<String, BitSet> before, Map<String, BitSet> after) {
        int moved = 0;
        for (int group = 0; group < GROUPS; group++) {
            if (!ownerOf(before, group).equals(ownerOf(after, group))) {
                moved++;
            }
        }
        return moved;
    }

    private static String ownerOf(Map<String, BitSet> assignment, int group) {
        String owner = null;
        for (Map.Entry<String, BitSet> entry : assignment.entrySet()) {
            if (entry.getValue().get(group)) {
                assertEquals(null, owner, "key group " + group + " has two owners");
                owner = entry.getKey();
            }
        }
        assertTrue(owner != null, "key group " + group + " has no owner");
        return owner;
    }

    @Test
    void everyKeyGroupHasExactlyOneOwnerAndEveryInstanceComputesTheSame() {
        for (int n = 1; n <= 10; n++) {
            Map<String, BitSet> assignment = Rendezvous.assign(members(n), GROUPS);
            for (int group = 0; group < GROUPS; group++) {
                ownerOf(assignment, group);
            }
            List<String> shuffled = new ArrayList<>(members(n));
            java.util.Collections.reverse(shuffled);
            assertEquals(assignment, Rendezvous.assign(shuffled, GROUPS));
        }
    }

    @Test
    void aJoiningInstanceTakesOnlyWhatItGetsAndAboutItsShare() {
        for (int n = 1; n < 10; n++) {
            Map<String, BitSet> before = Rendezvous.assign(members(n), GROUPS);
            Map<String, BitSet> after = Rendezvous.assign(members(n + 1), GROUPS);
            String joined = "instance-" + n;
            // Only key groups the new instance gets move; none moves between the others.
            assertEquals(after.get(joined).cardinality(), moved(before, after));
            int share = (GROUPS + n) / (n + 1);
            assertTrue(moved(before, after) <= 2 * share + 2, "joining instance " + (n + 1) + " moved "
                    + moved(before, after) + " key groups; its share is " + share);
        }
    }

    @Test
    void aLeavingInstanceHandsOnOnlyItsOwnKeyGroups() {
        for (int n = 2; n <= 10; n++) {
            List<String> members = members(n);
            Map<String, BitSet> before = Rendezvous.assign(members, GROUPS);
            String leaving = members.remove(n / 2);
            Map<String, BitSet> after = Rendezvous.assign(members, GROUPS);
            assertEquals(before.get(leaving).cardinality(), moved(before, after));
            assertFalse(after.containsKey(leaving));
        }
    }

    @Test
    void theRunnerUpIsWhoTakesOverWhenTheOwnerLeaves() {
        List<String> members = members(4);
        Map<String, BitSet> before = Rendezvous.assign(members, GROUPS);
        for (String leaving : members) {
            List<String> rest = new ArrayList<>(members);
            rest.remove(leaving);
            Map<String, BitSet> after = Rendezvous.assign(rest, GROUPS);
            for (String member : rest) {
                BitSet gained = (BitSet) after.get(member).clone();
                gained.andNot(before.get(member));
                BitSet runnersUp = Rendezvous.runnersUp(members, GROUPS, member);
                BitSet unexpected = (BitSet) gained.clone();
                unexpected.andNot(runnersUp);
                assertTrue(unexpected.isEmpty(), member + " took over " + unexpected + " without being runner-up");
            }
        }
    }
}
