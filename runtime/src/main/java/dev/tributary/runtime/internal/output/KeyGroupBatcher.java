package dev.tributary.runtime.internal.output;

import dev.tributary.runtime.internal.keygroup.KeyGroups;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Holds a producer's messages by key group and hands each group's messages to the producer as one
 * uninterrupted run followed by a flush, so every batch the producer cuts holds one key group and
 * therefore has one owner on a Key_Shared subscription. A run may still be split into several
 * batches (size limits, the producer's timer); it is never mixed with another group.
 * Keyless messages have no owner to respect and share one extra bucket.
 *
 * @param <M> the messages
 * @param <O> what each message was made from, handed to the sink with it
 */
public final class KeyGroupBatcher<M, O> {
    /** Where a key group's run goes. */
    public interface Sink<M, O> {
        /** Sends one message of a run. */
        void send(M message, O origin);

        /** Ends the current run: the producer closes its batch. */
        void endBatch();
    }

    /** The adds in a row to one key group after which its run leaves as soon as another group's message comes. */
    static final int RUN_LEAVES_AT = 16;

    private final KeyGroups keyGroups;
    private final int maxRecords;
    private final List<M>[] buckets;
    private final List<O>[] origins;
    private final BitSet nonEmpty;
    private final Sink<M, O> sink;
    /** Whether a long run of one key group leaves as soon as it ends; see {@link #runsLeaveAsTheyEnd}. */
    private boolean runsLeave;
    /** The bucket of the latest add, and how many adds in a row went to it. */
    private int lastBucket = -1;
    private int streak;

    /** @param maxRecords a key group's run leaves once it holds this many messages */
    @SuppressWarnings("unchecked")
    public KeyGroupBatcher(KeyGroups keyGroups, int maxRecords, Sink<M, O> sink) {
        this.keyGroups = keyGroups;
        this.maxRecords = maxRecords;
        this.sink = sink;
        this.buckets = new List[keyGroups.count() + 1];
        this.origins = new List[keyGroups.count() + 1];
        this.nonEmpty = new BitSet(keyGroups.count() + 1);
    }

    /** @param keyBytes the bytes the broker will hash the message by, or null for no key */
    public void add(byte[] keyBytes, M message, O origin) {
        int bucket = keyBytes == null ? keyGroups.count() : keyGroups.ofKeyBytes(keyBytes);
        if (runsLeave) {
            if (bucket == lastBucket) {
                streak++;
            } else {
                // A long run of one key group that ends leaves at once: its messages are still in the CPU's
                // caches, where at the drain they would not be.
                if (streak >= RUN_LEAVES_AT && buckets[lastBucket] != null && !buckets[lastBucket].isEmpty()) {
                    send(lastBucket);
                }
                lastBucket = bucket;
                streak = 1;
            }
        }
        List<M> pending = buckets[bucket];
        if (pending == null) {
            pending = new ArrayList<>();
            buckets[bucket] = pending;
            origins[bucket] = new ArrayList<>();
        }
        pending.add(message);
        origins[bucket].add(origin);
        nonEmpty.set(bucket);
        if (pending.size() >= maxRecords) {
            send(bucket);
        }
    }

    /**
     * While on, a run of {@value #RUN_LEAVES_AT} or more messages of one key group in a row leaves as soon as
     * a message of another group follows, with whatever its group held before. For a commit's flush,
     * which emits key group by key group and whose runs would leave at the drain right after anyway;
     * not for records in arrival order, where it would cut batches short (input batched by key group
     * upstream comes in such runs).
     */
    public void runsLeaveAsTheyEnd(boolean on) {
        runsLeave = on;
        lastBucket = -1;
        streak = 0;
    }

    /** Sends every held run. */
    public void flush() {
        for (int bucket = nonEmpty.nextSetBit(0); bucket >= 0; bucket = nonEmpty.nextSetBit(bucket + 1)) {
            send(bucket);
        }
    }

    /** Whether nothing is held. */
    public boolean isEmpty() {
        return nonEmpty.isEmpty();
    }

    private void send(int bucket) {
        List<M> pending = buckets[bucket];
        List<O> from = origins[bucket];
        for (int i = 0; i < pending.size(); i++) {
            sink.send(pending.get(i), from.get(i));
        }
        pending.clear();
        from.clear();
        nonEmpty.clear(bucket);
        sink.endBatch();
    }
}
