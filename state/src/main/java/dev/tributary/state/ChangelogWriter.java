package dev.tributary.state;

/**
 * Receives every write of a logged store, to append it to the store's changelog: one partition per
 * key group. The runtime implements it on Pulsar; writes become durable at the commit.
 */
public interface ChangelogWriter {
    /**
     * Appends a write.
     *
     * @param store the store's name
     * @param keyGroup the key group, which is the changelog partition
     * @param key the encoded key
     * @param value the encoded value, or null for a deletion
     */
    void append(String store, int keyGroup, byte[] key, byte[] value);

    /**
     * Appends many writes of a store, which come in runs of one key group each (in their order within
     * the key group). An implementation may send a key group's run as soon as it is appended, while
     * its messages are still fresh in memory, instead of at the commit.
     *
     * @param store the store's name
     * @param writes the writes, grouped by key group
     */
    default void appendAll(String store, java.util.List<StoreWrite> writes) {
        for (StoreWrite write : writes) {
            append(store, write.keyGroup(), write.key(), write.value());
        }
    }
}
