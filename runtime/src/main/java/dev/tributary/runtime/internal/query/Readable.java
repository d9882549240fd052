package dev.tributary.runtime.internal.query;

import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.runtime.query.StoreUnavailableException;
import java.util.BitSet;

/**
 * Which key groups a view may read, and the error for one it may not. Fresh views read the key
 * groups running here; stale ones also read standby copies (and say how old they are).
 */
public final class Readable {
    /** Says why a key group cannot be read here: restoring, moving, elsewhere or stopped. */
    public interface Locator {
        StoreUnavailableException unavailable(String store, Object key, int group);
    }

    private final TaskState state;
    private final Locator locator;
    private final boolean stale;

    Readable(TaskState state, Locator locator, boolean stale) {
        this.state = state;
        this.locator = locator;
        this.stale = stale;
    }

    /** The key groups to read, for scans. */
    BitSet groups() {
        BitSet groups = (BitSet) state.queryable().clone();
        if (stale) {
            for (int group = 0; group < state.keyGroups().count(); group++) {
                if (state.standbyCaughtUp(group) > 0) {
                    groups.set(group);
                }
            }
        }
        return groups;
    }

    /** @throws StoreUnavailableException if the key's group cannot be read here */
    void check(String store, Object key, int group) {
        if (state.queryable().get(group) || (stale && state.standbyCaughtUp(group) > 0)) {
            return;
        }
        throw locator.unavailable(store, key, group);
    }

    /**
     * How old a read of the key group may be: 0 when it runs here, else how long ago its standby copy
     * last read its changelog to the end.
     */
    long lagMillis(int group) {
        if (state.queryable().get(group)) {
            return 0;
        }
        long caughtUp = state.standbyCaughtUp(group);
        return caughtUp == 0 ? -1 : Math.max(0, System.currentTimeMillis() - caughtUp);
    }
}
