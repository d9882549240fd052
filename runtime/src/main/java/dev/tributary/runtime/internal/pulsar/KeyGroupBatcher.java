package dev.tributary.runtime.internal.pulsar;

import dev.tributary.runtime.internal.keygroup.KeyGroups;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.pulsar.client.api.TypedMessageBuilder;

/**
 * Holds a producer's messages by key group and hands each group's messages to the producer as one
 * uninterrupted run followed by a flush, so every batch the producer cuts holds one key group and
 * therefore has one owner on a Key_Shared subscription. A run may still be split into several
 * batches (size limits, the producer's timer); it is never mixed with another group.
 * Keyless messages have no owner to respect and share one extra bucket.
 */
final class KeyGroupBatcher {
    interface Sink {
        /** @param origin what the message was made from, handed back if its write fails */
        void send(TypedMessageBuilder<Object> message, Object origin);

        /** Ends the current batch. */
        void endBatch();
    }

    private final KeyGroups keyGroups;
    private final int maxRecords;
    private final List<TypedMessageBuilder<Object>>[] buckets;
    private final List<Object>[] origins;
    private final BitSet nonEmpty;
    private final Sink sink;

    @SuppressWarnings("unchecked")
    KeyGroupBatcher(KeyGroups keyGroups, int maxRecords, Sink sink) {
        this.keyGroups = keyGroups;
        this.maxRecords = maxRecords;
        this.sink = sink;
        this.buckets = new List[keyGroups.count() + 1];
        this.origins = new List[keyGroups.count() + 1];
        this.nonEmpty = new BitSet(keyGroups.count() + 1);
    }

    /** @param keyBytes the message key's bytes as the broker will hash them, or null for no key */
    void add(byte[] keyBytes, TypedMessageBuilder<Object> message, Object origin) {
        int bucket = keyBytes == null ? keyGroups.count() : keyGroups.ofKeyBytes(keyBytes);
        List<TypedMessageBuilder<Object>> pending = buckets[bucket];
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

    void flush() {
        for (int bucket = nonEmpty.nextSetBit(0); bucket >= 0; bucket = nonEmpty.nextSetBit(bucket + 1)) {
            send(bucket);
        }
    }

    private void send(int bucket) {
        List<TypedMessageBuilder<Object>> pending = buckets[bucket];
        List<Object> from = origins[bucket];
        for (int i = 0; i < pending.size(); i++) {
            sink.send(pending.get(i), from.get(i));
        }
        pending.clear();
        from.clear();
        nonEmpty.clear(bucket);
        sink.endBatch();
    }
}
