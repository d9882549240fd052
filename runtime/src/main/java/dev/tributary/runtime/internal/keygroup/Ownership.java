package dev.tributary.runtime.internal.keygroup;

import java.util.BitSet;

/**
 * Which key groups this instance owns. The seam where multi-instance assignment plugs in; until
 * then a single instance owns them all.
 */
public interface Ownership {
    BitSet ownedKeyGroups();

    static Ownership all(KeyGroups keyGroups) {
        BitSet all = keyGroups.all();
        return () -> (BitSet) all.clone();
    }
}
