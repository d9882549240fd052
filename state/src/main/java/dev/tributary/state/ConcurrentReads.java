package dev.tributary.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The bottom of a store as queries see it: other threads read it while the task writes. RocksDB and
 * the heap store's concurrent maps take reads beside writes; what they cannot take is a key group's
 * space being created, dropped or closed under a read (RocksDB would read a freed column family).
 * Those few changes wait for the reads in progress, and every read holds the lock only for a bounded
 * number of entries, so the task waits at most one bounded read.
 */
public final class ConcurrentReads implements KeyGroupedStore {
    /** The most entries one read copies out under the lock. */
    public static final int CHUNK = 1_000;

    private final KeyGroupedStore store;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private long longestWaitNanos;

    /** @param store the store queries read, below any cache or held writes */
    public ConcurrentReads(KeyGroupedStore store) {
        this.store = store;
    }

    /** A store closed under a query. */
    public static final class ClosedException extends RuntimeException {
        ClosedException(String store) {
            super("store '" + store + "' is closed: the job has stopped");
        }
    }

    /**
     * Reads a value from another thread.
     *
     * @throws ClosedException if the store was closed
     */
    public byte[] read(int keyGroup, byte[] key) {
        lock.readLock().lock();
        try {
            checkOpen();
            return store.get(keyGroup, key);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Copies out at most {@link #CHUNK} entries of a key group from another thread.
     *
     * @param after the last key of the previous chunk (excluded), or null to start at {@code from}
     * @param from the first key, or null for the start
     * @param to the last key (included), or null for the end
     * @param limit at most this many (capped at {@link #CHUNK})
     */
    public List<BytesEntry> readChunk(int keyGroup, byte[] after, byte[] from, byte[] to, int limit) {
        int max = Math.min(limit, CHUNK);
        List<BytesEntry> entries = new ArrayList<>(Math.min(max, 64));
        lock.readLock().lock();
        try {
            checkOpen();
            try (BytesIterator range = store.range(keyGroup, after != null ? after : from, to)) {
                while (entries.size() < max && range.hasNext()) {
                    BytesEntry entry = range.next();
                    if (after != null && Arrays.equals(entry.key(), after)) {
                        continue;
                    }
                    entries.add(entry);
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return entries;
    }

    /** An estimate of a key group's entries, from another thread. */
    public long readCount(int keyGroup) {
        lock.readLock().lock();
        try {
            checkOpen();
            return store.approximateCount(keyGroup);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedException(store.name());
        }
    }

    /** The longest the task waited for reads in progress so far, in nanoseconds: the bound queries put on it. */
    public synchronized long longestWaitNanos() {
        return longestWaitNanos;
    }

    private void exclusive(Runnable change) {
        long began = System.nanoTime();
        lock.writeLock().lock();
        long waited = System.nanoTime() - began;
        try {
            change.run();
        } finally {
            lock.writeLock().unlock();
        }
        if (waited > TimeUnit.MICROSECONDS.toNanos(1)) {
            synchronized (this) {
                longestWaitNanos = Math.max(longestWaitNanos, waited);
            }
        }
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public void openKeyGroup(int keyGroup) {
        exclusive(() -> store.openKeyGroup(keyGroup));
    }

    @Override
    public void openKeyGroups(java.util.BitSet keyGroups) {
        exclusive(() -> store.openKeyGroups(keyGroups));
    }

    @Override
    public void wipeKeyGroup(int keyGroup) {
        exclusive(() -> store.wipeKeyGroup(keyGroup));
    }

    @Override
    public byte[] get(int keyGroup, byte[] key) {
        return store.get(keyGroup, key);
    }

    @Override
    public void put(int keyGroup, byte[] key, byte[] value) {
        store.put(keyGroup, key, value);
    }

    @Override
    public void writeAll(List<StoreWrite> writes) {
        store.writeAll(writes);
    }

    @Override
    public void putAll(int keyGroup, List<byte[]> keys, List<byte[]> values) {
        store.putAll(keyGroup, keys, values);
    }

    @Override
    public BytesIterator range(int keyGroup, byte[] from, byte[] to) {
        return store.range(keyGroup, from, to);
    }

    @Override
    public long approximateCount(int keyGroup) {
        return store.approximateCount(keyGroup);
    }

    @Override
    public long approximateBytes(int keyGroup) {
        return store.approximateBytes(keyGroup);
    }

    @Override
    public void persist() {
        store.persist();
    }

    @Override
    public void close() {
        exclusive(() -> {
            closed = true;
            store.close();
        });
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
