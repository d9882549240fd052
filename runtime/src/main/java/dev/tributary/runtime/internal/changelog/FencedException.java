package dev.tributary.runtime.internal.changelog;

import dev.tributary.runtime.internal.output.OutputException;
import java.util.BitSet;

/** The changelog refused this instance's writes: another instance owns those key groups now. */
public final class FencedException extends OutputException {
    private final BitSet groups;

    FencedException(String message, BitSet groups, Throwable cause) {
        super(message, cause);
        this.groups = groups;
    }

    /** @return the key groups another instance took over */
    public BitSet groups() {
        return (BitSet) groups.clone();
    }
}
