package dev.tributary.examples.windowed;

/**
 * One key's count in one window, as the windowed-count example writes it: the JSON value
 * {@code {"start": <epoch ms>, "end": <epoch ms>, "count": <n>}}.
 */
public final class WindowCount {
    /** The window's start, inclusive, in epoch milliseconds. */
    public long start;
    /** The window's end, exclusive, in epoch milliseconds. */
    public long end;
    /** The records of the key in the window. */
    public long count;

    /** For the JSON schema. */
    public WindowCount() {
    }

    /**
     * @param start the window's start
     * @param end the window's end
     * @param count the records counted
     */
    public WindowCount(long start, long end, long count) {
        this.start = start;
        this.end = end;
        this.count = count;
    }

    /** The JSON form, as written to the output topic. */
    @Override
    public String toString() {
        return "{\"start\": " + start + ", \"end\": " + end + ", \"count\": " + count + "}";
    }
}
