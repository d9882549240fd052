package dev.tributary.runtime.internal.query;

import dev.tributary.runtime.internal.ownership.Membership;
import dev.tributary.runtime.query.StoreUnavailableException;
import dev.tributary.runtime.query.StoreUnavailableException.Reason;
import java.util.function.BooleanSupplier;

/** Says, from the membership, why a key group cannot be read in this instance and who has it. */
public final class KeyLocator implements Readable.Locator {
    private final Membership membership;
    private final String instanceId;
    private final BooleanSupplier running;

    /** @param running whether the job still runs */
    public KeyLocator(Membership membership, String instanceId, BooleanSupplier running) {
        this.membership = membership;
        this.instanceId = instanceId;
        this.running = running;
    }

    @Override
    public StoreUnavailableException unavailable(String store, Object key, int group) {
        String what = "store '" + store + "': key '" + key + "' is in key group " + group;
        if (!running.getAsBoolean()) {
            return new StoreUnavailableException(what + ", and the job is not running", store, group, Reason.STOPPED,
                    null, null);
        }
        String owner = membership.ownerOf(group);
        String endpoint = membership.endpointOf(owner);
        if (owner == null) {
            return new StoreUnavailableException(what + ", which has no owner yet (the instances are joining)", store,
                    group, Reason.MOVING, null, null);
        }
        if (owner.equals(instanceId)) {
            return new StoreUnavailableException(what + ", which is assigned to this instance ('" + instanceId + "') and"
                    + " is being claimed from its previous owner or restored; ask again shortly", store, group,
                    Reason.RESTORING, owner, endpoint);
        }
        return new StoreUnavailableException(what + ", which runs on instance '" + owner + "'"
                + (endpoint == null ? " (it advertises no HTTP endpoint)" : " at " + endpoint), store, group,
                Reason.ELSEWHERE, owner, endpoint);
    }
}
