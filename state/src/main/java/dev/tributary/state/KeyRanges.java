package dev.tributary.state;

import java.util.Arrays;

/** Bounds of encoded-key ranges, shared by the stores' scans and the query views. */
public final class KeyRanges {
    private KeyRanges() {
    }

    /**
     * The inclusive upper bound of a scan for every key that starts with the prefix: the prefix
     * followed by eight 0xFF bytes, above every encoded key of the schemas in use that extends it.
     *
     * @param prefix the encoded prefix
     * @return the bound, a new array
     */
    public static byte[] prefixEnd(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length + 8);
        Arrays.fill(end, prefix.length, end.length, (byte) 0xFF);
        return end;
    }
}
