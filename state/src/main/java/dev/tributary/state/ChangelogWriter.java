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
}
