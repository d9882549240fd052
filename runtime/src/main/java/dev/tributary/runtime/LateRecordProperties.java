package dev.tributary.runtime;

/**
 * The message properties a late record carries on the late-records topic (and on the dead-letter
 * topic under {@link LatePolicy#DEAD_LETTER}), besides the original message's own key, value, event
 * time and properties. Values are strings; times are epoch milliseconds.
 */
public final class LateRecordProperties {
    private LateRecordProperties() {
    }

    /** The prefix of every late-record property. */
    public static final String PREFIX = "tributary.late.";
    /** The windowed node that found the record late. */
    public static final String NODE = PREFIX + "node";
    /** The start of the record's latest window, which had closed. */
    public static final String WINDOW_START = PREFIX + "window.start";
    /** The end (exclusive) of that window. */
    public static final String WINDOW_END = PREFIX + "window.end";
    /** The record's time. */
    public static final String RECORD_TIME = PREFIX + "record.time";
    /** The stream time of the record's key group when it arrived. */
    public static final String STREAM_TIME = PREFIX + "stream.time";
    /** The topic the record was read from, partition included. */
    public static final String SOURCE_TOPIC = PREFIX + "source.topic";
    /** The record's message id on its source topic. */
    public static final String SOURCE_MESSAGE_ID = PREFIX + "source.message.id";
    /** The job that found it late. */
    public static final String APPLICATION_ID = PREFIX + "application.id";
}
