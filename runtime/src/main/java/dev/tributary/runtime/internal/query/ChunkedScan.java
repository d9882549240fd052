package dev.tributary.runtime.internal.query;

import dev.tributary.state.BytesEntry;
import dev.tributary.state.ConcurrentReads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * The entries of several key groups in one key order, each group read a chunk at a time: a scan of
 * any size never holds a store's lock for more than one chunk, so the task is never held up by it.
 */
final class ChunkedScan {
    private final PriorityQueue<Cursor> heads = new PriorityQueue<>(
            (a, b) -> Arrays.compareUnsigned(a.peek().key(), b.peek().key()));

    ChunkedScan(ConcurrentReads reads, BitSet groups, byte[] from, byte[] to) {
        for (int group = groups.nextSetBit(0); group >= 0; group = groups.nextSetBit(group + 1)) {
            Cursor cursor = new Cursor(reads, group, from, to);
            if (cursor.peek() != null) {
                heads.add(cursor);
            }
        }
    }

    boolean hasNext() {
        return !heads.isEmpty();
    }

    /** The next entry and its key group. */
    Grouped next() {
        Cursor cursor = heads.poll();
        if (cursor == null) {
            throw new NoSuchElementException();
        }
        BytesEntry entry = cursor.take();
        if (cursor.peek() != null) {
            heads.add(cursor);
        }
        return new Grouped(cursor.group, entry);
    }

    record Grouped(int group, BytesEntry entry) {
    }

    private static final class Cursor {
        private final ConcurrentReads reads;
        private final int group;
        private final byte[] from;
        private final byte[] to;
        private List<BytesEntry> chunk = new ArrayList<>();
        private int index;
        private boolean more = true;

        Cursor(ConcurrentReads reads, int group, byte[] from, byte[] to) {
            this.reads = reads;
            this.group = group;
            this.from = from;
            this.to = to;
        }

        BytesEntry peek() {
            if (index == chunk.size() && more) {
                byte[] after = chunk.isEmpty() ? null : chunk.get(chunk.size() - 1).key();
                chunk = reads.readChunk(group, after, from, to, ConcurrentReads.CHUNK);
                index = 0;
                more = chunk.size() == ConcurrentReads.CHUNK;
            }
            return index < chunk.size() ? chunk.get(index) : null;
        }

        BytesEntry take() {
            BytesEntry entry = peek();
            index++;
            return entry;
        }
    }
}
