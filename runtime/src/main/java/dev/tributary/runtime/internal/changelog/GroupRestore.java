package dev.tributary.runtime.internal.changelog;

import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.runtime.internal.output.OutputException;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import dev.tributary.state.KeyGroupedStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Reader;

/**
 * The restore of one key group of every logged store, read a bounded amount at a time on the task's
 * thread, interleaved with processing of the key groups already running. Each store's part reads its
 * changelog partition from the position its local files reflect, skipping what the checkpoint covers,
 * and writes one batch per step.
 */
public final class GroupRestore implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GroupRestore.class);
    /** Where a restore reports what it did. */
    interface Progress {
        /** Records written into local state. */
        void restored(int records);

        /** The position a store's key group reached: its local files now reflect the changelog up to it. */
        void reached(StoreSpec store, int group, byte[] position);
    }

    /** Asks the broker to end what holds a store's key group back, where its coordinator has ended it. */
    interface Nudge {
        CompletableFuture<Void> nudge(StoreSpec store, int group);
    }

    /** One store's part of a key group's restore. */
    static final class Part {
        final StoreSpec store;
        final KeyGroupedStore bytes;
        final CompletableFuture<Reader<byte[]>> opening;
        final MessageIdAdv covered;
        /** Under exactly-once, this claim's marker: the restore ends only once it has read it. */
        final ClaimMarker marker;
        MessageId last;
        boolean done;

        Part(StoreSpec store, KeyGroupedStore bytes, CompletableFuture<Reader<byte[]>> opening,
                     MessageIdAdv covered, ClaimMarker marker) {
            this.store = store;
            this.bytes = bytes;
            this.opening = opening;
            this.covered = covered;
            this.marker = marker;
        }
    }

    /** A changelog reader not opened after this is given up (the soak saw one hang); the restore starts again. */
    private static final long OPEN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final int group;
    private final List<Part> parts;
    private final Progress progress;
    /** When reading began; readers opened ahead do not count their wait. */
    private long began;
    private long records;

    private final Nudge nudge;

    GroupRestore(int group, List<Part> parts, Progress progress, Nudge nudge) {
        this.group = group;
        this.parts = parts;
        this.progress = progress;
        this.nudge = nudge;
    }

    public int group() {
        return group;
    }

    public long records() {
        return records;
    }

    public long elapsedNanos() {
        return System.nanoTime() - began;
    }

    /**
     * Reads at most {@code budget} records.
     *
     * @return true once every store of the key group is restored
     */
    public boolean step(int budget) {
        if (began == 0) {
            began = System.nanoTime();
        }
        for (Part part : parts) {
            if (part.done) {
                continue;
            }
            try {
                if (!part.opening.isDone()) {
                    if (System.nanoTime() - began > OPEN_TIMEOUT_NANOS) {
                        // Seen once in a hand-over: a reader never opened and the key group waited in silence.
                        throw new java.util.concurrent.TimeoutException("its changelog reader was not opened within "
                                + TimeUnit.NANOSECONDS.toSeconds(OPEN_TIMEOUT_NANOS) + " s");
                    }
                    return false;
                }
                Reader<byte[]> reader = part.opening.get();
                int read = 0;
                List<byte[]> keys = new ArrayList<>();
                List<byte[]> values = new ArrayList<>();
                boolean waiting = false;
                while (read < budget) {
                    Message<byte[]> message = reader.readNext(0, TimeUnit.MILLISECONDS);
                    if (message == null) {
                        if (part.marker != null && part.marker.failed()) {
                            part.marker.sent().join();
                        }
                        if (part.marker != null || reader.hasMessageAvailable()) {
                            // Under exactly-once the end is the marker, which an open transaction holds back.
                            waiting = true;
                            warnIfHeldBack(part);
                            break;
                        }
                        part.done = true;
                        break;
                    }
                    read++;
                    heldBackSince = 0;
                    if (java.util.Arrays.equals(message.getKeyBytes(), ClaimMarker.KEY)) {
                        if (part.marker != null && java.util.Arrays.equals(message.getValue(), part.marker.value())) {
                            part.done = true;
                            break;
                        }
                        continue;
                    }
                    if (part.covered != null && !after((MessageIdAdv) message.getMessageId(), part.covered)) {
                        continue;
                    }
                    keys.add(message.getKeyBytes());
                    values.add(message.getValue());
                    part.last = message.getMessageId();
                }
                // One write batch per step: the restore's cost is reading, not a write per record.
                part.bytes.putAll(group, keys, values);
                if (!keys.isEmpty()) {
                    dev.tributary.runtime.internal.faults.CrashPoints.reached(
                            dev.tributary.runtime.internal.faults.CrashPoints.Point.DURING_RESTORE);
                }
                records += keys.size();
                progress.restored(keys.size());
                if (part.done) {
                    finish(part, reader);
                }
                if (waiting || !part.done) {
                    return false;
                }
            } catch (Exception e) {
                throw new OutputException("cannot restore store '" + part.store.name() + "' key group " + group
                        + ": " + PulsarErrors.reason(e), e);
            }
        }
        return true;
    }

    private void finish(Part part, Reader<byte[]> reader) {
        part.done = true;
        if (part.last != null) {
            progress.reached(part.store, group, part.last.toByteArray());
        } else if (part.covered != null) {
            progress.reached(part.store, group, part.covered.toByteArray());
        }
        reader.closeAsync();
    }

    /** Stops reading; what was read stays and is read again (idempotently) by the next restore. */
    @Override
    public void close() {
        for (Part part : parts) {
            part.opening.thenAccept(Reader::closeAsync);
        }
    }

    private static final long HELD_BACK_NANOS = TimeUnit.SECONDS.toNanos(5);
    private long heldBackSince;
    private boolean warned;
    private long nudged;
    private CompletableFuture<Void> nudging;

    /**
     * A transaction holds the restore back: normally one of the previous owner's, which ends within
     * transaction.timeout. Said once after a while, and from then on the partition is nudged every few
     * seconds, in case the transaction is one the coordinator has ended but the partition never heard of.
     */
    private void warnIfHeldBack(Part part) {
        if (part.marker == null) {
            return;
        }
        long now = System.nanoTime();
        if (heldBackSince == 0) {
            heldBackSince = now;
            return;
        }
        if (now - heldBackSince < HELD_BACK_NANOS) {
            return;
        }
        if (!warned) {
            warned = true;
            LOG.warn("Restore of store '{}' key group {} waits for a transaction of the key group's previous owner"
                    + " to end (at most transaction.timeout): its outcome decides the restored state", part.store.name(),
                    group);
        }
        if ((nudging == null || nudging.isDone()) && now - nudged > HELD_BACK_NANOS) {
            nudged = now;
            nudging = nudge.nudge(part.store, group).whenComplete((ignored, error) -> {
                if (error != null) {
                    LOG.debug("Nudging the changelog of store '{}' key group {} failed", part.store.name(), group,
                            error);
                }
            });
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

}
