package dev.tributary.runtime.internal.changelog;

import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.MessageId;

/**
 * A claim's marker: the restore ends when it reads these exact bytes, which does not depend on the
 * send's receipt arriving before the reader sees the message.
 *
 * @param value the marker's unique bytes
 * @param sent the send, failed if the broker lost it
 */
record ClaimMarker(byte[] value, CompletableFuture<MessageId> sent) {
    /**
     * The key of the claim markers a new owner writes under exactly-once: fixed bytes that no encoded
     * key of a store shares (a digest), so compaction keeps one marker per partition and no user entry.
     */
    static final byte[] KEY = key();

    private static byte[] key() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest("tributary changelog claim marker".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Arrays.copyOf(digest, 20);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean failed() {
        return sent.isCompletedExceptionally();
    }
}
