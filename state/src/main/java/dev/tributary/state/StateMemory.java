package dev.tributary.state;

import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * The memory all RocksDB stores of a process share: one block cache and one write-buffer manager
 * that charges memtables to that cache, so that many stores cannot grow memory without limit.
 */
public final class StateMemory implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private final long blockCacheBytes;
    private final long writeBufferBytes;
    private final LRUCache cache;
    private final WriteBufferManager writeBuffers;

    /**
     * Creates the shared memory.
     *
     * @param blockCacheBytes the block cache's capacity, which also bounds the memtables
     * @param writeBufferBytes the most memory all memtables together may use
     */
    public StateMemory(long blockCacheBytes, long writeBufferBytes) {
        if (writeBufferBytes > blockCacheBytes) {
            throw new IllegalArgumentException("the write buffers (" + writeBufferBytes + " bytes) are charged to the"
                    + " block cache and cannot exceed it (" + blockCacheBytes + " bytes)");
        }
        this.blockCacheBytes = blockCacheBytes;
        this.writeBufferBytes = writeBufferBytes;
        this.cache = new LRUCache(blockCacheBytes);
        // allowStall: writers wait for flushes when memtables exceed the budget; without it a fast
        // writer outruns the background flushes and the budget is only a hint.
        this.writeBuffers = new WriteBufferManager(writeBufferBytes, cache, true);
    }

    public long blockCacheBytes() {
        return blockCacheBytes;
    }

    public long writeBufferBytes() {
        return writeBufferBytes;
    }

    Cache cache() {
        return cache;
    }

    WriteBufferManager writeBuffers() {
        return writeBuffers;
    }

    /** @return the bytes the shared cache holds now, memtable reservations included */
    public long usedBytes() {
        return cache.getUsage();
    }

    @Override
    public void close() {
        writeBuffers.close();
        cache.close();
    }
}
