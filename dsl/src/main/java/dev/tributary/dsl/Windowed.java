package dev.tributary.dsl;

import java.time.Instant;
import java.util.Objects;

/**
 * A key and the window its aggregate belongs to: the key of a windowed table. Written to a topic,
 * the message key is the plain key (so results stay in the key's key group and per-key order), and
 * the window travels in the message properties {@value #START_PROPERTY} and {@value #END_PROPERTY}
 * as epoch milliseconds.
 *
 * @param key the record key
 * @param start the window's start, inclusive, in epoch milliseconds
 * @param end the window's end, exclusive, in epoch milliseconds
 * @param <K> the key type
 */
public record Windowed<K>(K key, long start, long end) {
    /** The message property holding a window's start (epoch milliseconds, inclusive) on an output topic. */
    public static final String START_PROPERTY = "tributary.window.start";
    /** The message property holding a window's end (epoch milliseconds, exclusive) on an output topic. */
    public static final String END_PROPERTY = "tributary.window.end";

    /**
     * Checks the bounds.
     *
     * @param key the record key
     * @param start the window's start
     * @param end the window's end, after its start
     */
    public Windowed {
        Objects.requireNonNull(key, "key");
        if (end < start) {
            throw new IllegalArgumentException("a window cannot end (" + end + ") before it starts (" + start + ")");
        }
    }

    /**
     * @return the window's start as an instant
     */
    public Instant startTime() {
        return Instant.ofEpochMilli(start);
    }

    /**
     * @return the window's end as an instant
     */
    public Instant endTime() {
        return Instant.ofEpochMilli(end);
    }

    @Override
    public String toString() {
        return "[" + key + "@" + startTime() + "/" + endTime() + "]";
    }
}
