package dev.tributary.state;

/**
 * One write of a store's encoded entry, as a flush hands many of them down at once.
 *
 * @param keyGroup the entry's key group
 * @param key the encoded key
 * @param value the encoded value, or null for a deletion
 */
public record StoreWrite(int keyGroup, byte[] key, byte[] value) {
}
