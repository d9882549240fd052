package dev.tributary.runtime.internal.changelog;

import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.compile.CompileContext;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.util.List;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.partition.PartitionedTopicMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The changelog topics of a job's logged stores: one compacted, partitioned topic per store, a partition per key group. */
final class ChangelogTopics {
    private static final Logger LOG = LoggerFactory.getLogger(ChangelogTopics.class);
    private static final long COMPACTION_THRESHOLD_BYTES = 64L << 20;

    private ChangelogTopics() {
    }

    /**
     * Creates missing changelog topics, and refuses one whose partitions do not match the key groups.
     *
     * @return the stores whose changelog topic this call created
     */
    static java.util.Set<String> prepare(PulsarAdmin admin, CompileContext context, List<StoreSpec> logged) {
        java.util.Set<String> createdNow = new java.util.HashSet<>();
        int partitions = context.keyGroups().count();
        for (StoreSpec store : logged) {
            String topic = context.changelogTopic(store.name());
            try {
                PartitionedTopicMetadata metadata;
                try {
                    metadata = admin.topics().getPartitionedTopicMetadata(topic);
                } catch (PulsarAdminException.NotFoundException missing) {
                    metadata = new PartitionedTopicMetadata(0);
                }
                if (metadata.partitions == 0) {
                    admin.topics().createPartitionedTopic(topic, partitions);
                    createdNow.add(store.name());
                    LOG.info("Created changelog topic {} with {} partitions", topic, partitions);
                } else if (metadata.partitions != partitions) {
                    throw new JobStartException("changelog topic '" + topic + "' of store '" + store.name() + "' has "
                            + metadata.partitions + " partitions but the job has " + partitions + " key groups;"
                            + " key.groups cannot change for a job that has state", null);
                }
            } catch (PulsarAdminException.ConflictException raced) {
                // Another instance created it first.
            } catch (PulsarAdminException e) {
                throw new JobStartException("cannot prepare changelog topic '" + topic + "' of store '" + store.name()
                        + "': " + PulsarErrors.reason(e), e);
            }
            try {
                admin.topicPolicies().setCompactionThreshold(topic, COMPACTION_THRESHOLD_BYTES);
            } catch (PulsarAdminException e) {
                LOG.warn("Could not set a compaction threshold on changelog topic {} ({}); set one so that restores"
                        + " read only the latest value per key", topic, PulsarErrors.reason(e));
            }
        }
        return createdNow;
    }
}
