package dev.tributary.runtime.internal.core;

/**
 * A record arrived for windows that had all closed: its key group's stream time had passed the end
 * of its latest window plus the grace period. It goes to the late-records route, never counted.
 */
public final class LateRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long windowStart;
    private final long windowEnd;
    private final long streamTime;
    private final long recordTime;

    public LateRecordException(String node, long recordTime, long windowStart, long windowEnd, long grace,
                               long streamTime) {
        super("the record of time " + recordTime + " is late at node '" + node + "': its window [" + windowStart + ", "
                + windowEnd + ") closed when stream time reached " + (windowEnd + grace) + " (end + grace " + grace
                + " ms); stream time is " + streamTime, null, false, false);
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.streamTime = streamTime;
        this.recordTime = recordTime;
    }

    /**
     * What a late record carries in its properties on the late-records or dead-letter topic.
     *
     * @param messageId its message id on the source topic, or null if it has none (the test driver)
     */
    public java.util.Map<String, String> properties(String node, String sourceTopic, String messageId,
                                                    String applicationId) {
        java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put(dev.tributary.runtime.LateRecordProperties.NODE, node);
        properties.put(dev.tributary.runtime.LateRecordProperties.WINDOW_START, Long.toString(windowStart));
        properties.put(dev.tributary.runtime.LateRecordProperties.WINDOW_END, Long.toString(windowEnd));
        properties.put(dev.tributary.runtime.LateRecordProperties.STREAM_TIME, Long.toString(streamTime));
        properties.put(dev.tributary.runtime.LateRecordProperties.RECORD_TIME, Long.toString(recordTime));
        properties.put(dev.tributary.runtime.LateRecordProperties.SOURCE_TOPIC, sourceTopic);
        if (messageId != null) {
            properties.put(dev.tributary.runtime.LateRecordProperties.SOURCE_MESSAGE_ID, messageId);
        }
        properties.put(dev.tributary.runtime.LateRecordProperties.APPLICATION_ID, applicationId);
        return properties;
    }

    public long windowStart() {
        return windowStart;
    }

    public long windowEnd() {
        return windowEnd;
    }

    public long streamTime() {
        return streamTime;
    }

    /** How far the record's time is behind stream time. */
    public long lateness() {
        return streamTime - recordTime;
    }
}
