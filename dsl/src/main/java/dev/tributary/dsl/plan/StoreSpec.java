package dev.tributary.dsl.plan;

import dev.tributary.dsl.state.StoreType;
import org.apache.pulsar.client.api.Schema;

/**
 * A key-value store of a topology: its name (unique in the topology, part of its changelog topic's
 * name), schemas and options.
 *
 * @param name the store's name
 * @param keySchema encodes keys; the encoded key's hash decides its key group
 * @param valueSchema encodes values
 * @param type RocksDB or in memory
 * @param caching whether a write-back record cache absorbs repeated writes until the commit
 * @param logging whether writes go to a changelog topic
 * @param windows the windows of a window store, or null for a key-value store
 */
public record StoreSpec(String name, Schema<?> keySchema, Schema<?> valueSchema, StoreType type, boolean caching,
                        boolean logging, WindowSpec windows) {
    /**
     * A key-value store.
     *
     * @param name the store's name
     * @param keySchema encodes keys
     * @param valueSchema encodes values
     * @param type RocksDB or in memory
     * @param caching whether a record cache absorbs repeated writes until the commit
     * @param logging whether writes go to a changelog topic
     */
    public StoreSpec(String name, Schema<?> keySchema, Schema<?> valueSchema, StoreType type, boolean caching,
                     boolean logging) {
        this(name, keySchema, valueSchema, type, caching, logging, null);
    }

    @Override
    public String toString() {
        return name + " (" + type + ", key " + Schemas.describe(keySchema) + ", value " + Schemas.describe(valueSchema)
                + (caching ? ", cached" : "") + (logging ? ", logged" : ", not logged")
                + (windows != null ? ", windows " + windows : "") + ")";
    }
}
