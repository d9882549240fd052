package dev.tributary.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * A store in one RocksDB instance with a column family per key group: a key group is wiped by
 * dropping its column family, and restored or handed over without touching the others. The write-ahead
 * log is off: durability comes from the changelog, and {@link #persist()} flushes memtables before a
 * checkpoint records how far the local files go.
 */
final class RocksDbStore implements KeyGroupedStore {
    private static final byte[] DEFAULT = RocksDB.DEFAULT_COLUMN_FAMILY;

    private final String name;
    private final Path directory;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
    private final RocksDB db;
    private final List<ColumnFamilyHandle> opened = new ArrayList<>();
    private final Map<Integer, ColumnFamilyHandle> groups = new HashMap<>();
    /**
     * Key groups whose column family this process created and never wrote: wiping one is a no-op.
     * A start on an empty directory wipes every key group before its first restore, and dropping and
     * creating 64 column families (each a MANIFEST and OPTIONS write) took two of a start's seconds.
     */
    private final java.util.BitSet unwritten = new java.util.BitSet();

    RocksDbStore(String name, Path directory, StateMemory memory) {
        this.name = name;
        this.directory = directory;
        // Bloom filters: an aggregation's first sight of a key is a read of a key that is absent, which
        // without a filter costs a block read in every level-0 file of its key group.
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(memory.cache())
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setFilterPolicy(new org.rocksdb.BloomFilter(10, false))
                .setBlockSize(16 * 1024);
        // One column family per key group means many memtables: small arena blocks keep an idle
        // family from reserving a megabyte of the shared budget, which would make writers stall.
        this.familyOptions = new ColumnFamilyOptions().setTableFormatConfig(table)
                .setWriteBufferSize(Math.max(1 << 20, memory.writeBufferBytes() / 4))
                .setArenaBlockSize(64 * 1024);
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setWriteBufferManager(memory.writeBuffers())
                .setMaxBackgroundJobs(2)
                .setKeepLogFileNum(2);
        try {
            Files.createDirectories(directory);
            List<byte[]> existing;
            try (Options options = new Options()) {
                existing = RocksDB.listColumnFamilies(options, directory.toString());
            }
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            descriptors.add(new ColumnFamilyDescriptor(DEFAULT, familyOptions));
            for (byte[] family : existing) {
                if (!Arrays.equals(family, DEFAULT)) {
                    descriptors.add(new ColumnFamilyDescriptor(family, familyOptions));
                }
            }
            this.db = RocksDB.open(dbOptions, directory.toString(), descriptors, opened);
            for (int i = 1; i < descriptors.size(); i++) {
                groups.put(keyGroupOf(descriptors.get(i).getName()), opened.get(i));
            }
        } catch (RocksDBException e) {
            throw new StateException("cannot open RocksDB store '" + name + "' in " + directory + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    private static byte[] familyName(int keyGroup) {
        return ("kg-" + keyGroup).getBytes(StandardCharsets.UTF_8);
    }

    private static int keyGroupOf(byte[] family) {
        return Integer.parseInt(new String(family, StandardCharsets.UTF_8).substring(3));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void openKeyGroup(int keyGroup) {
        if (!groups.containsKey(keyGroup)) {
            try {
                ColumnFamilyHandle handle = db.createColumnFamily(new ColumnFamilyDescriptor(familyName(keyGroup), familyOptions));
                opened.add(handle);
                groups.put(keyGroup, handle);
                unwritten.set(keyGroup);
            } catch (RocksDBException e) {
                throw new StateException("store '" + name + "': cannot create key group " + keyGroup + ": " + e.getMessage(), e);
            }
        }
    }

    /** Creates the missing column families in one step: one MANIFEST and OPTIONS write, not one per key group. */
    @Override
    public void openKeyGroups(java.util.BitSet keyGroups) {
        List<Integer> missing = new ArrayList<>();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (int group = keyGroups.nextSetBit(0); group >= 0; group = keyGroups.nextSetBit(group + 1)) {
            if (!groups.containsKey(group)) {
                missing.add(group);
                descriptors.add(new ColumnFamilyDescriptor(familyName(group), familyOptions));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try {
            List<ColumnFamilyHandle> handles = db.createColumnFamilies(descriptors);
            for (int i = 0; i < handles.size(); i++) {
                opened.add(handles.get(i));
                groups.put(missing.get(i), handles.get(i));
                unwritten.set(missing.get(i));
            }
        } catch (RocksDBException e) {
            throw new StateException("store '" + name + "': cannot create key groups " + missing + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void wipeKeyGroup(int keyGroup) {
        if (groups.containsKey(keyGroup) && unwritten.get(keyGroup)) {
            return;
        }
        ColumnFamilyHandle handle = groups.remove(keyGroup);
        if (handle != null) {
            try {
                db.dropColumnFamily(handle);
            } catch (RocksDBException e) {
                throw new StateException("store '" + name + "': cannot wipe key group " + keyGroup + ": " + e.getMessage(), e);
            }
            opened.remove(handle);
            handle.close();
        }
        openKeyGroup(keyGroup);
    }

    private ColumnFamilyHandle handle(int keyGroup) {
        ColumnFamilyHandle handle = groups.get(keyGroup);
        if (handle == null) {
            throw new IllegalStateException("store '" + name + "': key group " + keyGroup + " is not open here");
        }
        return handle;
    }

    @Override
    public byte[] get(int keyGroup, byte[] key) {
        try {
            return db.get(handle(keyGroup), key);
        } catch (RocksDBException e) {
            throw new StateException("store '" + name + "' in " + directory + ": read failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void put(int keyGroup, byte[] key, byte[] value) {
        unwritten.clear(keyGroup);
        try {
            if (value == null) {
                db.delete(handle(keyGroup), writeOptions, key);
            } else {
                db.put(handle(keyGroup), writeOptions, key, value);
            }
        } catch (RocksDBException e) {
            throw new StateException("store '" + name + "' in " + directory + ": write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void writeAll(java.util.List<StoreWrite> writes) {
        if (writes.isEmpty()) {
            return;
        }
        // One batch per flush: each write of its own pays RocksDB's whole write path, which in a busy
        // job costs several times the memtable insert itself.
        try (org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch()) {
            for (StoreWrite write : writes) {
                unwritten.clear(write.keyGroup());
                ColumnFamilyHandle family = handle(write.keyGroup());
                if (write.value() == null) {
                    batch.delete(family, write.key());
                } else {
                    batch.put(family, write.key(), write.value());
                }
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new StateException("store '" + name + "' in " + directory + ": write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void putAll(int keyGroup, java.util.List<byte[]> keys, java.util.List<byte[]> values) {
        if (keys.isEmpty()) {
            return;
        }
        ColumnFamilyHandle family = handle(keyGroup);
        unwritten.clear(keyGroup);
        try (org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch()) {
            for (int i = 0; i < keys.size(); i++) {
                byte[] value = values.get(i);
                if (value == null) {
                    batch.delete(family, keys.get(i));
                } else {
                    batch.put(family, keys.get(i), value);
                }
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new StateException("store '" + name + "' in " + directory + ": write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public BytesIterator range(int keyGroup, byte[] from, byte[] to) {
        ReadOptions options = new ReadOptions();
        RocksIterator iterator = db.newIterator(handle(keyGroup), options);
        if (from == null) {
            iterator.seekToFirst();
        } else {
            iterator.seek(from);
        }
        return new BytesIterator() {
            @Override
            public boolean hasNext() {
                return iterator.isValid() && (to == null || Arrays.compareUnsigned(iterator.key(), to) <= 0);
            }

            @Override
            public BytesEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                BytesEntry entry = new BytesEntry(iterator.key(), iterator.value());
                iterator.next();
                return entry;
            }

            @Override
            public void close() {
                iterator.close();
                options.close();
            }
        };
    }

    @Override
    public long approximateCount(int keyGroup) {
        try {
            return db.getLongProperty(handle(keyGroup), "rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            return 0;
        }
    }

    @Override
    public long approximateBytes(int keyGroup) {
        try {
            ColumnFamilyHandle family = handle(keyGroup);
            return db.getLongProperty(family, "rocksdb.total-sst-files-size")
                    + db.getLongProperty(family, "rocksdb.cur-size-all-mem-tables");
        } catch (RocksDBException e) {
            return 0;
        }
    }

    /** For tests and metrics: a RocksDB property of one key group. */
    long property(int keyGroup, String property) {
        try {
            return db.getLongProperty(handle(keyGroup), property);
        } catch (RocksDBException e) {
            throw new StateException(e.getMessage(), e);
        }
    }

    @Override
    public void persist() {
        if (groups.isEmpty()) {
            return;
        }
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, new ArrayList<>(groups.values()));
        } catch (RocksDBException e) {
            throw new StateException("store '" + name + "' in " + directory + ": flush to disk failed: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle handle : opened) {
            handle.close();
        }
        db.close();
        writeOptions.close();
        familyOptions.close();
        dbOptions.close();
    }

    @Override
    public String toString() {
        return "RocksDB store '" + name + "' in " + directory;
    }
}
