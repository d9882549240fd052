package dev.tributary.dsl.state;

/** Where a store keeps its entries. */
public enum StoreType {
    /** On local disk in RocksDB, within the process's shared memory bound. The default. */
    ROCKSDB,
    /** On the heap; restored from the changelog on every start. */
    IN_MEMORY
}
