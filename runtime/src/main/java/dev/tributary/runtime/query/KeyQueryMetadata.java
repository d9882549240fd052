package dev.tributary.runtime.query;

import java.util.List;

/**
 * Where a key of a store lives among the running instances of a job, as this instance sees the
 * membership now. It may be a moment behind a hand-over: a query sent to the owner named here can be
 * answered "moving" ({@link StoreUnavailableException}, HTTP 503) and is then asked again.
 *
 * @param store the store's name
 * @param keyGroup the key group the key belongs to
 * @param owner the instance the key group is assigned to, or null while no assignment is known
 * @param ownerEndpoint the owner's advertised HTTP endpoint ({@code application.server}), or null if
 *     it advertises none
 * @param standbys the instances that keep a standby copy of the key group (empty without
 *     {@code standby.replicas}); {@code ?stale=true} queries may read them
 */
public record KeyQueryMetadata(String store, int keyGroup, String owner, String ownerEndpoint,
                               List<String> standbys) {
    /**
     * A copy with an unmodifiable list of standbys.
     */
    public KeyQueryMetadata {
        standbys = List.copyOf(standbys);
    }
}
