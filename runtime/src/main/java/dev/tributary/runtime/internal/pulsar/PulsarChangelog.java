package dev.tributary.runtime.internal.pulsar;

import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.state.StoreType;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.compile.CompileContext;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.state.ChangelogWriter;
import dev.tributary.state.Checkpoint;
import dev.tributary.state.KeyGroupedStore;
import dev.tributary.state.StateDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerAccessMode;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.partition.PartitionedTopicMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changelogs of a task's logged stores on Pulsar: one compacted, partitioned topic per store with
 * a partition per key group, written through one exclusive producer per owned partition, so that a
 * zombie owner is fenced. Restores local state from the checkpointed position (or from the start),
 * and tracks the position each commit reached, for the next checkpoint.
 */
public final class PulsarChangelog implements ChangelogWriter, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PulsarChangelog.class);
    private static final long COMPACTION_THRESHOLD_BYTES = 64L << 20;

    private final PulsarClient client;
    private final PulsarAdmin admin;
    private final CompileContext context;
    private final List<StoreSpec> logged = new ArrayList<>();
    private final BitSet owned;
    private final Duration timeout;
    private final Map<String, Producer<byte[]>[]> producers = new HashMap<>();
    private final Map<String, CompletableFuture<MessageId>[]> lastSends = new HashMap<>();
    private final Map<String, Map<Integer, byte[]>> positions = new HashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final java.util.Set<String> createdNow = new java.util.HashSet<>();
    private long restored;

    public PulsarChangelog(PulsarClient client, PulsarAdmin admin, CompileContext context, List<StoreSpec> stores,
                           BitSet owned, Duration timeout) {
        this.client = client;
        this.admin = admin;
        this.context = context;
        this.owned = (BitSet) owned.clone();
        this.timeout = timeout;
        for (StoreSpec store : stores) {
            if (store.logging()) {
                logged.add(store);
                positions.put(store.name(), new HashMap<>());
            }
        }
    }

    /** Creates missing changelog topics, and refuses one whose partitions do not match the key groups. */
    public void prepareTopics() {
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
    }

    /** Opens an exclusive producer per owned partition; a previous owner's producer is fenced. */
    @SuppressWarnings("unchecked")
    public void openProducers() {
        int groups = context.keyGroups().count();
        List<CompletableFuture<?>> opening = new ArrayList<>();
        for (StoreSpec store : logged) {
            Producer<byte[]>[] byGroup = new Producer[groups];
            producers.put(store.name(), byGroup);
            lastSends.put(store.name(), new CompletableFuture[groups]);
            String topic = context.changelogTopic(store.name());
            for (int group = owned.nextSetBit(0); group >= 0; group = owned.nextSetBit(group + 1)) {
                int g = group;
                opening.add(client.newProducer(Schema.BYTES).topic(topic + "-partition-" + group)
                        .accessMode(ProducerAccessMode.ExclusiveWithFencing)
                        .blockIfQueueFull(true)
                        .enableBatching(true)
                        .batchingMaxPublishDelay(5, TimeUnit.MILLISECONDS)
                        .sendTimeout((int) timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .createAsync()
                        .thenAccept(producer -> byGroup[g] = producer));
            }
        }
        try {
            CompletableFuture.allOf(opening.toArray(new CompletableFuture[0])).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            close();
            throw new JobStartException("cannot open the changelog producers: " + PulsarErrors.reason(e), e);
        }
    }

    @Override
    public void append(String store, int keyGroup, byte[] key, byte[] value) {
        Producer<byte[]> producer = producers.get(store)[keyGroup];
        if (producer == null) {
            throw new IllegalStateException("store '" + store + "' wrote key group " + keyGroup
                    + ", which this instance does not own");
        }
        CompletableFuture<MessageId> sent = producer.newMessage().keyBytes(key).value(value).sendAsync();
        sent.whenComplete((id, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
        lastSends.get(store)[keyGroup] = sent;
    }

    /** Waits until every write so far is durable and records the position each key group reached. */
    public void flush() {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (StoreSpec store : logged) {
            CompletableFuture<MessageId>[] sends = lastSends.get(store.name());
            Producer<byte[]>[] byGroup = producers.get(store.name());
            for (int group = 0; group < sends.length; group++) {
                if (sends[group] != null) {
                    byGroup[group].flushAsync();
                }
            }
            for (int group = 0; group < sends.length; group++) {
                CompletableFuture<MessageId> last = sends[group];
                if (last == null) {
                    continue;
                }
                try {
                    MessageId id = last.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    positions.get(store.name()).put(group, id.toByteArray());
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
                sends[group] = null;
            }
        }
        Throwable error = failure.getAndSet(null);
        if (error != null) {
            throw new OutputException("cannot write the changelog: " + PulsarErrors.reason(error)
                    + (PulsarErrors.reason(error).contains("Fenced") ? " (another instance took over these key groups)" : ""),
                    error);
        }
    }

    /**
     * Restores every logged store's owned key groups: from the checkpointed position when the local
     * files have one, else wiped and rebuilt from the start of the changelog.
     *
     * @return the records read from the changelogs
     */
    /** Records restored so far, for progress metrics; read from another thread, so only approximately current. */
    public long restoredSoFar() {
        return restored;
    }

    public long restore(TaskState state, StateDirectory directory) {
        long began = System.nanoTime();
        for (StoreSpec store : logged) {
            Map<Integer, byte[]> checkpoint = readCheckpoint(store, directory);
            KeyGroupedStore bytes = state.bytes(store.name());
            String topic = context.changelogTopic(store.name());
            long before = restored;
            if (createdNow.contains(store.name())) {
                // A changelog created by this start is empty: whatever is on local disk predates it.
                for (int group = owned.nextSetBit(0); group >= 0; group = owned.nextSetBit(group + 1)) {
                    bytes.wipeKeyGroup(group);
                }
                LOG.info("Store '{}' is new: its changelog was just created, nothing to restore", store.name());
                continue;
            }
            int fromCheckpoint = 0;
            // Readers are opened together: opening is a broker round trip, and most partitions of a new
            // or checkpointed store have little or nothing to read.
            Map<Integer, CompletableFuture<Reader<byte[]>>> readers = new HashMap<>();
            Map<Integer, MessageIdAdv> covered = new HashMap<>();
            for (int group = owned.nextSetBit(0); group >= 0; group = owned.nextSetBit(group + 1)) {
                byte[] position = checkpoint.get(group);
                MessageIdAdv from = position == null ? null : parsePosition(store, group, position);
                if (from == null) {
                    bytes.wipeKeyGroup(group);
                } else {
                    fromCheckpoint++;
                    covered.put(group, from);
                }
                MessageId start = from == null ? MessageId.earliest
                        : new MessageIdImpl(from.getLedgerId(), from.getEntryId(), from.getPartitionIndex());
                readers.put(group, client.newReader(Schema.BYTES).topic(topic + "-partition-" + group)
                        .startMessageId(start).startMessageIdInclusive().readCompacted(from == null).createAsync());
            }
            for (int group = owned.nextSetBit(0); group >= 0; group = owned.nextSetBit(group + 1)) {
                restoreGroup(store, bytes, readers.get(group), group, covered.get(group));
            }
            LOG.info("Restored store '{}': {} changelog records, {} key groups from their checkpoint, {} in full, in {} ms",
                    store.name(), restored - before, fromCheckpoint, owned.cardinality() - fromCheckpoint,
                    (System.nanoTime() - began) / 1_000_000);
        }
        return restored;
    }

    private Map<Integer, byte[]> readCheckpoint(StoreSpec store, StateDirectory directory) {
        if (store.type() == StoreType.IN_MEMORY) {
            return Map.of();
        }
        try {
            return Checkpoint.read(checkpointFile(directory, store.name())).orElse(Map.of());
        } catch (Checkpoint.CorruptCheckpointException e) {
            LOG.warn("{}; wiping the local state of store '{}' and restoring it from its changelog", e.getMessage(),
                    store.name());
            return Map.of();
        }
    }

    private static MessageIdAdv parsePosition(StoreSpec store, int group, byte[] position) {
        try {
            return (MessageIdAdv) MessageId.fromByteArray(position);
        } catch (Exception e) {
            LOG.warn("store '{}': unreadable checkpoint position for key group {}; restoring it in full",
                    store.name(), group);
            return null;
        }
    }

    /**
     * Reads a changelog partition into a key group. A reader started exclusively at the partition's
     * last message (inside a batch) reports more messages that never come, so the read starts at the
     * checkpointed entry, inclusively, and skips what the checkpoint already covers.
     */
    private void restoreGroup(StoreSpec store, KeyGroupedStore bytes, CompletableFuture<Reader<byte[]>> opening,
                              int group, MessageIdAdv covered) {
        MessageId last = null;
        try (Reader<byte[]> reader = opening.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            while (reader.hasMessageAvailable()) {
                Message<byte[]> message = reader.readNext((int) timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (message == null) {
                    break;
                }
                if (covered != null && !after((MessageIdAdv) message.getMessageId(), covered)) {
                    continue;
                }
                bytes.put(group, message.getKeyBytes(), message.getValue());
                last = message.getMessageId();
                if (++restored % 100_000 == 0) {
                    LOG.info("Restoring store '{}': {} changelog records so far (key group {})", store.name(), restored,
                            group);
                }
            }
        } catch (Exception e) {
            throw new JobStartException("cannot restore store '" + store.name() + "' key group " + group + ": "
                    + PulsarErrors.reason(e), e);
        }
        if (last != null) {
            positions.get(store.name()).put(group, last.toByteArray());
        } else if (covered != null) {
            positions.get(store.name()).put(group, covered.toByteArray());
        }
    }

    /** Whether a message comes after a position in one partition (partition indexes may differ in form). */
    private static boolean after(MessageIdAdv id, MessageIdAdv position) {
        if (id.getLedgerId() != position.getLedgerId()) {
            return id.getLedgerId() > position.getLedgerId();
        }
        if (id.getEntryId() != position.getEntryId()) {
            return id.getEntryId() > position.getEntryId();
        }
        return id.getBatchIndex() > position.getBatchIndex();
    }

    /** Flushes the stores to disk, then records the positions their files now reflect. */
    public void checkpoint(TaskState state, StateDirectory directory) {
        state.persist();
        for (StoreSpec store : logged) {
            if (store.type() != StoreType.IN_MEMORY) {
                Checkpoint.write(checkpointFile(directory, store.name()), positions.get(store.name()));
            }
        }
    }

    static Path checkpointFile(StateDirectory directory, String store) {
        return directory.storeDirectory(store).resolve("checkpoint");
    }

    public long restoredRecords() {
        return restored;
    }

    @Override
    public void close() {
        for (Producer<byte[]>[] byGroup : producers.values()) {
            for (Producer<byte[]> producer : byGroup) {
                if (producer != null) {
                    producer.closeAsync();
                }
            }
        }
        producers.clear();
    }
}
