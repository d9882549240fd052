package dev.tributary.runtime.internal.changelog;

import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.compile.CompileContext;
import dev.tributary.runtime.internal.output.OutputException;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.state.ChangelogWriter;
import dev.tributary.state.KeyGroupedStore;
import dev.tributary.state.StateDirectory;
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
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerAccessMode;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.impl.MessageIdImpl;

/**
 * The changelogs of a task's logged stores on Pulsar: one compacted, partitioned topic per store with
 * a partition per key group, written through one exclusive producer per owned partition, so that a
 * zombie owner is fenced. Restores local state from the checkpointed position (or from the start),
 * and tracks the position each commit reached, for the next checkpoint.
 */
public final class PulsarChangelog implements ChangelogWriter, AutoCloseable {
    private static final int RESTORE_QUEUE = 5_000;

    private final Producers producerFactory;
    private final PulsarClient client;
    private final PulsarAdmin admin;
    private final CompileContext context;
    private final List<StoreSpec> logged = new ArrayList<>();
    private final BitSet unflushed = new BitSet();
    private final Duration timeout;
    private final Map<String, Producer<byte[]>[]> producers = new HashMap<>();
    private final Map<String, CompletableFuture<MessageId>[]> lastSends = new HashMap<>();
    private final Map<String, Map<Integer, byte[]>> positions = new HashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Counts the closings of producers, so that their writes' late failures are told apart. */
    private volatile long generation;
    private final java.util.Set<String> createdNow = new java.util.HashSet<>();
    private volatile long restored;
    /** What restores report: records written, and the position a store's key group reached. */
    private final GroupRestore.Progress progress = new GroupRestore.Progress() {
        @Override
        public void restored(int records) {
            restored += records;
        }

        @Override
        public void reached(StoreSpec store, int group, byte[] position) {
            positions.get(store.name()).put(group, position);
        }
    };
    private String producerPrefix = "tributary";
    private int epoch;
    /** Exactly-once: writes belong to the task's transactions, and positions count only once it commits. */
    private boolean transactional;
    /** Under exactly-once, per store and key group, the claim marker written after the fence. */
    private final Map<String, ClaimMarker[]> markers = new HashMap<>();
    /** Makes every marker this process writes unique, so a restore never mistakes an older one for its own. */
    private final String run = java.util.UUID.randomUUID().toString();
    private long markerCount;

    /**
     * Under exactly-once: writes go into the task's transactions, the positions a flush reaches count
     * only after {@link #commitPositions}, and each claim writes a marker after its fence that the
     * restore must read before it ends: the read cannot pass an open transaction of the previous owner,
     * so the restore includes whatever that transaction commits, or waits until it aborts.
     */
    public void exactlyOnce() {
        this.transactional = true;
    }

    public PulsarChangelog(Producers producers, PulsarAdmin admin, CompileContext context, List<StoreSpec> stores,
                           Duration timeout) {
        this.producerFactory = producers;
        this.client = producers.client();
        this.admin = admin;
        this.context = context;
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
        createdNow.addAll(ChangelogTopics.prepare(admin, context, logged));
    }

    /** Names changelog producers after the instance, so that each write shows which instance made it. */
    public void instance(String instanceId) {
        this.producerPrefix = instanceId;
    }

    /**
     * Reads the checkpoint of every logged store: the changelog position each key group's local files
     * reflect. A store whose changelog this start created has nothing valid on disk.
     */
    public void loadCheckpoints(StateDirectory directory) {
        for (StoreSpec store : logged) {
            Map<Integer, byte[]> positionsOfStore = positions.get(store.name());
            positionsOfStore.clear();
            if (!createdNow.contains(store.name())) {
                positionsOfStore.putAll(ChangelogCheckpoints.read(store, directory));
            }
        }
    }

    /**
     * Opens an exclusive producer per logged store on the key groups' partitions; any other instance's
     * producer there is fenced, so a zombie can no longer write the state it lost.
     */
    @SuppressWarnings("unchecked")
    public void openProducers(BitSet groups) {
        int count = context.keyGroups().count();
        List<CompletableFuture<?>> opening = new ArrayList<>();
        int claim = ++epoch;
        for (StoreSpec store : logged) {
            Producer<byte[]>[] byGroup = producers.computeIfAbsent(store.name(), name -> new Producer[count]);
            lastSends.computeIfAbsent(store.name(), name -> new CompletableFuture[count]);
            String topic = context.changelogTopic(store.name());
            for (int group = groups.nextSetBit(0); group >= 0; group = groups.nextSetBit(group + 1)) {
                int g = group;
                // Changelog writes may wait as long as any broker operation, whatever producer.send.timeout says.
                opening.add(producerFactory.to(topic + "-partition-" + group, Schema.BYTES)
                        .accessMode(ProducerAccessMode.ExclusiveWithFencing)
                        .producerName(producerPrefix + "-" + store.name() + "-" + group + "-" + claim)
                        .enableBatching(true)
                        // The commit flushes these anyway; a short linger would make every key group a broker
                        // entry every few ms when writes trickle in (window stores write on every record),
                        // and broker entries, not bytes, are what costs.
                        .batchingMaxPublishDelay(100, TimeUnit.MILLISECONDS)
                        .batchingMaxMessages(10_000)
                        .sendTimeout(producerFactory.sendTimeoutMillis(timeout), TimeUnit.MILLISECONDS)
                        .createAsync()
                        .thenAccept(producer -> byGroup[g] = producer));
            }
        }
        try {
            CompletableFuture.allOf(opening.toArray(new CompletableFuture[0])).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            closeProducers(groups);
            throw new JobStartException("cannot open the changelog producers of key groups " + groups + ": "
                    + PulsarErrors.reason(e), e);
        }
        if (transactional) {
            for (StoreSpec store : logged) {
                ClaimMarker[] byGroup = markers.computeIfAbsent(store.name(), name -> new ClaimMarker[count]);
                Producer<byte[]>[] producersOfStore = producers.get(store.name());
                for (int group = groups.nextSetBit(0); group >= 0; group = groups.nextSetBit(group + 1)) {
                    byGroup[group] = sendMarker(producersOfStore[group]);
                }
            }
        }
    }

    /** A claim's marker, outside any transaction: it is the claim's own point in the log. */
    private ClaimMarker sendMarker(Producer<byte[]> producer) {
        byte[] value = (producerPrefix + "-" + run + "-" + ++markerCount).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        CompletableFuture<MessageId> sent = producer.newMessage().keyBytes(ClaimMarker.KEY).value(value).sendAsync();
        producer.flushAsync();
        return new ClaimMarker(value, sent);
    }

    /** The value of the writes that {@link #nudge} aborts; no restore ever reads one. */
    private static final byte[] NUDGE = "tributary changelog nudge".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /**
     * Under exactly-once, makes a key group's changelog partition drop what its transaction coordinator
     * has already ended: a transaction that writes to the partition and aborts hands the partition the
     * coordinator's low-water mark, below which the partition aborts the transactions it still holds
     * open. A broker stopped in the middle of a commit was seen to confirm the commit while some
     * partitions never got its end marker; the next transactional write to such a partition ends it,
     * but none comes while its key group waits for its restore, which waits for that partition.
     * Harmless when the transaction holding the partition back is really open: the mark stays below it.
     */
    CompletableFuture<Void> nudge(StoreSpec store, int group) {
        Producer<byte[]>[] byGroup = producers.get(store.name());
        Producer<byte[]> producer = byGroup == null ? null : byGroup[group];
        if (producer == null) {
            return CompletableFuture.completedFuture(null);
        }
        return client.newTransaction().withTransactionTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build()
                .thenCompose(transaction -> {
                    CompletableFuture<MessageId> sent = producer.newMessage(transaction).keyBytes(ClaimMarker.KEY)
                            .value(NUDGE).sendAsync();
                    producer.flushAsync();
                    return sent.handle((id, error) -> null).thenCompose(ignored -> transaction.abort());
                });
    }

    /** Closes the key groups' producers; writes not flushed are dropped (their records are not acknowledged). */
    public void closeProducers(BitSet groups) {
        generation++;
        failure.set(null);
        for (StoreSpec store : logged) {
            Producer<byte[]>[] byGroup = producers.get(store.name());
            CompletableFuture<MessageId>[] sends = lastSends.get(store.name());
            if (byGroup == null) {
                continue;
            }
            for (int group = groups.nextSetBit(0); group >= 0; group = groups.nextSetBit(group + 1)) {
                if (byGroup[group] != null) {
                    byGroup[group].closeAsync();
                    byGroup[group] = null;
                }
                sends[group] = null;
                ClaimMarker[] markersOfStore = markers.get(store.name());
                if (markersOfStore != null) {
                    markersOfStore[group] = null;
                }
            }
        }
    }

    @Override
    public void append(String store, int keyGroup, byte[] key, byte[] value) {
        Producer<byte[]>[] byGroup = producers.get(store);
        Producer<byte[]> producer = byGroup == null ? null : byGroup[keyGroup];
        if (producer == null) {
            throw new IllegalStateException("store '" + store + "' wrote key group " + keyGroup
                    + ", which this instance does not own");
        }
        unflushed.set(keyGroup);
        CompletableFuture<MessageId> sent = producerFactory.message(producer).keyBytes(key).value(value).sendAsync();
        long sentIn = generation;
        sent.whenComplete((id, error) -> {
            // A write of producers closed since (a lost lease) fails late, and is nobody's concern any more.
            if (error != null && sentIn == generation) {
                failure.compareAndSet(null, error);
            }
        });
        lastSends.get(store)[keyGroup] = sent;
    }

    /**
     * Sends each key group's run as soon as it is appended: the producer serializes the batch while its
     * messages are still in the CPU's caches, where at the commit's flush the first ones had left them.
     * One batch per key group and commit either way.
     */
    @Override
    public void appendAll(String store, List<dev.tributary.state.StoreWrite> writes) {
        Producer<byte[]>[] byGroup = producers.get(store);
        int run = -1;
        for (dev.tributary.state.StoreWrite write : writes) {
            if (write.keyGroup() != run && run >= 0) {
                byGroup[run].flushAsync();
            }
            append(store, write.keyGroup(), write.key(), write.value());
            run = write.keyGroup();
        }
        if (run >= 0) {
            byGroup[run].flushAsync();
        }
    }

    /**
     * Key groups whose local state holds writes the changelog has not confirmed: if they are lost
     * uncommitted, their local state cannot be trusted and is rebuilt in full.
     */
    public BitSet unflushed() {
        // Under exactly-once the local files only ever hold committed writes.
        return transactional ? new BitSet() : (BitSet) unflushed.clone();
    }

    /** Waits until every write so far is durable and records the position each key group reached. */
    public void flush() {
        try {
            sendAll(positions).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof OutputException refused ? refused
                    : new OutputException("cannot write the changelog: " + PulsarErrors.reason(e), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new OutputException("cannot write the changelog: not confirmed within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutputException("interrupted while writing the changelog", e);
        }
        unflushed.clear();
    }

    /**
     * Under exactly-once: sends every write so far without waiting. The future completes once they
     * are durable (in the transaction), or fails with an {@link OutputException} (a
     * {@link FencedException} when another instance took key groups over); the positions reached count
     * once the transaction commits ({@link #commitPositions}).
     */
    public Flush flushAsync() {
        Map<String, Map<Integer, byte[]>> reached = new java.util.concurrent.ConcurrentHashMap<>();
        return new Flush(sendAll(reached), reached);
    }

    /** A flush in flight and the positions it reaches, per store and key group. */
    public record Flush(CompletableFuture<Void> durable, Map<String, Map<Integer, byte[]>> reached) {
    }

    private CompletableFuture<Void> sendAll(Map<String, Map<Integer, byte[]>> into) {
        BitSet fenced = new BitSet();
        long sentIn = generation;
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (StoreSpec store : logged) {
            CompletableFuture<MessageId>[] sends = lastSends.get(store.name());
            Producer<byte[]>[] byGroup = producers.get(store.name());
            if (sends == null) {
                continue;
            }
            for (int group = 0; group < sends.length; group++) {
                CompletableFuture<MessageId> last = sends[group];
                if (last == null) {
                    continue;
                }
                if (byGroup[group] != null) {
                    byGroup[group].flushAsync();
                }
                int keyGroup = group;
                // Sends complete in order, so the last one's position is the key group's.
                sent.add(last.handle((id, error) -> {
                    if (error == null) {
                        into.computeIfAbsent(store.name(), name -> new java.util.concurrent.ConcurrentHashMap<>())
                                .put(keyGroup, id.toByteArray());
                    } else {
                        if (PulsarErrors.unwrap(error) instanceof PulsarClientException.ProducerFencedException) {
                            synchronized (fenced) {
                                fenced.set(keyGroup);
                            }
                        }
                        if (sentIn == generation) {
                            failure.compareAndSet(null, error);
                        }
                    }
                    return null;
                }));
                sends[group] = null;
            }
        }
        return CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).thenRun(() -> {
            Throwable error = failure.getAndSet(null);
            if (error == null && !fenced.isEmpty()) {
                error = new OutputException("the changelog producers were closed", null);
            }
            if (error != null) {
                synchronized (fenced) {
                    if (!fenced.isEmpty()) {
                        throw new FencedException("another instance took over key groups " + fenced
                                + ": its changelog producers fenced this one's", (BitSet) fenced.clone(), error);
                    }
                }
                throw new OutputException("cannot write the changelog: " + PulsarErrors.reason(error), error);
            }
        });
    }

    /**
     * After a failed flush under exactly-once: the changelog partitions whose refusals show a stuck
     * transaction buffer are loaded again (see {@link PulsarErrors#endedTransaction}).
     */
    public void unstick(Throwable error) {
        if (!PulsarErrors.endedTransaction(error)) {
            return;
        }
        for (StoreSpec store : logged) {
            Producer<byte[]>[] byGroup = producers.get(store.name());
            for (int group = 0; byGroup != null && group < byGroup.length; group++) {
                if (byGroup[group] != null) {
                    PulsarErrors.unloadStuckTopic(admin, context.changelogTopic(store.name()) + "-partition-" + group,
                            "refused transactional writes for a transaction that had ended");
                }
            }
        }
    }

    /** Under exactly-once, after the transaction committed: the positions its flush reached count. */
    public void commitPositions(Flush flush) {
        flush.reached().forEach((store, reached) -> positions.get(store).putAll(reached));
    }

    /** Records restored so far, for progress metrics; read from another thread, so only approximately current. */
    public long restoredSoFar() {
        return restored;
    }

    /**
     * Starts restoring a key group of every logged store: from the position its local files reflect,
     * else wiped and rebuilt from the start of the compacted changelog. Reading happens in
     * {@link GroupRestore#step}, interleaved with processing of the key groups already running.
     */
    public GroupRestore startRestore(int group, TaskState state) {
        List<GroupRestore.Part> parts = new ArrayList<>();
        for (StoreSpec store : logged) {
            KeyGroupedStore bytes = state.bytes(store.name());
            byte[] position = positions.get(store.name()).get(group);
            MessageIdAdv from = position == null ? null : ChangelogCheckpoints.parsePosition(store, group, position);
            if (from == null) {
                positions.get(store.name()).remove(group);
                bytes.wipeKeyGroup(group);
                bytes.openKeyGroup(group);
            }
            MessageId start = from == null ? MessageId.earliest
                    : new MessageIdImpl(from.getLedgerId(), from.getEntryId(), from.getPartitionIndex());
            // The compacted view from the start position holds the latest value of every key written
            // since, even where compaction has removed the raw entries.
            CompletableFuture<Reader<byte[]>> reader = client.newReader(Schema.BYTES)
                    .topic(context.changelogTopic(store.name()) + "-partition-" + group)
                    .startMessageId(start).startMessageIdInclusive().readCompacted(true)
                    .receiverQueueSize(RESTORE_QUEUE).createAsync();
            ClaimMarker[] markersOfStore = markers.get(store.name());
            if (markersOfStore != null && markersOfStore[group] != null && markersOfStore[group].failed()
                    && producers.get(store.name())[group] != null) {
                // The broker lost it (a restart): a restore that starts again needs one that arrived.
                markersOfStore[group] = sendMarker(producers.get(store.name())[group]);
            }
            // A claimed key group under exactly-once has a marker; a standby copy has none.
            parts.add(new GroupRestore.Part(store, bytes, reader, from,
                    markersOfStore == null ? null : markersOfStore[group]));
        }
        return new GroupRestore(group, parts, progress, this::nudge);
    }

    /** Forgets where a key group's local files stand: its next restore is a full one. */
    public void forget(int group) {
        for (StoreSpec store : logged) {
            positions.get(store.name()).remove(group);
        }
    }

    /** Flushes the stores to disk, then records the positions their files now reflect. */
    public void checkpoint(TaskState state, StateDirectory directory) {
        state.persist();
        for (StoreSpec store : logged) {
            ChangelogCheckpoints.write(store, directory, positions.get(store.name()));
        }
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
