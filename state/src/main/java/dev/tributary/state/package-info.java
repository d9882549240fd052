/**
 * State stores for the runtime: byte-level stores held per key group (RocksDB or in memory), the
 * layers above them (record cache, change logging, typed access), bounded shared memory for RocksDB,
 * the state directory with its lock, and checkpoint files. The changelog itself is an SPI
 * ({@link dev.tributary.state.ChangelogWriter}) that the runtime implements on Pulsar.
 */
package dev.tributary.state;
