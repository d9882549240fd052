package dev.tributary.runtime.internal.query;

import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.ownership.Membership;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.runtime.query.KeyQueryMetadata;
import dev.tributary.runtime.query.QueryableStoreType;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.pulsar.client.api.Schema;

/** A running job's queries: its store views, where a key lives, and its HTTP endpoints. */
public final class JobQueries {
    private final LocalStores stores;
    private final Membership membership;
    private final String instanceId;
    private final boolean standbys;

    /**
     * @param running whether the job still runs
     * @param standbys whether instances keep standby copies ({@code standby.replicas})
     */
    public JobQueries(TaskState state, Membership membership, String instanceId, BooleanSupplier running,
                      boolean standbys) {
        this.stores = new LocalStores(state, new KeyLocator(membership, instanceId, running));
        this.membership = membership;
        this.instanceId = instanceId;
        this.standbys = standbys;
    }

    public <T> T store(String name, QueryableStoreType<T> type) {
        return stores.store(name, type, false);
    }

    @SuppressWarnings("unchecked")
    public <K> KeyQueryMetadata metadataForKey(String store, K key) {
        StoreSpec spec = stores.spec(store);
        if (spec == null) {
            throw new IllegalArgumentException("no store named '" + store + "' can be queried in this job; its stores: "
                    + stores.stores().stream().map(LocalStores.StoreInfo::name).toList());
        }
        int group = stores.state().keyGroups().ofKeyBytes(((Schema<K>) spec.keySchema())
                .encode(Objects.requireNonNull(key, "key")));
        String owner = membership.ownerOf(group);
        String runnerUp = standbys ? membership.runnerUpOf(group) : null;
        return new KeyQueryMetadata(store, group, owner, membership.endpointOf(owner),
                runnerUp == null ? List.of() : List.of(runnerUp));
    }

    /** @param token the bearer token queries must carry, or null */
    public QueryEndpoints endpoints(String token, TaskMetrics metrics) {
        return new QueryEndpoints(stores, membership, instanceId, token, metrics);
    }
}
