package dev.tributary.state;

/**
 * An encoded entry of a store.
 *
 * @param key the encoded key
 * @param value the encoded value
 */
public record BytesEntry(byte[] key, byte[] value) {
}
