package dev.tributary.runtime.internal.state;

import dev.tributary.state.StateMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link StateMemory} of the process, shared by every job in it and released when the last
 * one stops: the memory bound is per process, not per job.
 */
public final class SharedStateMemory {
    private static final Logger LOG = LoggerFactory.getLogger(SharedStateMemory.class);
    private static StateMemory memory;
    private static int users;

    private SharedStateMemory() {
    }

    public static synchronized StateMemory acquire(long blockCacheBytes, long writeBufferBytes) {
        if (memory == null) {
            memory = new StateMemory(blockCacheBytes, writeBufferBytes);
            LOG.info("RocksDB memory for this process: {} MiB block cache, {} MiB of it for write buffers",
                    blockCacheBytes >> 20, writeBufferBytes >> 20);
        } else if (memory.blockCacheBytes() != blockCacheBytes || memory.writeBufferBytes() != writeBufferBytes) {
            LOG.warn("RocksDB memory is shared by the process and already sized ({} / {} bytes); the settings of this"
                    + " job ({} / {}) are ignored", memory.blockCacheBytes(), memory.writeBufferBytes(), blockCacheBytes,
                    writeBufferBytes);
        }
        users++;
        return memory;
    }

    public static synchronized void release() {
        if (--users == 0 && memory != null) {
            memory.close();
            memory = null;
        }
    }
}
