package dev.tributary.runtime;

/**
 * The message properties a dead-letter record carries besides the original message's own. A
 * dead-letter record keeps the original key, ordering key, value bytes, event time and properties;
 * these say why and where it failed. Values are strings.
 */
public final class DeadLetterProperties {
    private DeadLetterProperties() {
    }

    /** The prefix of every error property; replaying a record drops the properties that start with it. */
    public static final String PREFIX = "tributary.error.";
    /**
     * What failed: {@code processing}, {@code undecodable}, {@code invalid-timestamp}, {@code invalid},
     * {@code output}, or {@code rejected-by-source} (a source connector refused its raw input).
     */
    public static final String KIND = PREFIX + "kind";
    /** The fully qualified class of the exception. */
    public static final String EXCEPTION_CLASS = PREFIX + "class";
    /** The exception's message, and its root cause's if different. */
    public static final String EXCEPTION_MESSAGE = PREFIX + "message";
    /** The stack trace, cut to at most 4,000 characters. */
    public static final String STACK_TRACE = PREFIX + "stacktrace";
    /** The topology node that failed: the source for undecodable records, the sink for refused outputs. */
    public static final String NODE = PREFIX + "node";
    /** How many times the record was tried. */
    public static final String ATTEMPTS = PREFIX + "attempts";
    /** The topic the record was read from, partition included. */
    public static final String SOURCE_TOPIC = PREFIX + "source.topic";
    /** The record's message id on its source topic, in Pulsar's {@code ledger:entry:partition[:batch]} form. */
    public static final String SOURCE_MESSAGE_ID = PREFIX + "source.message.id";
    /** The schema version the record was written with, in hex, if its topic has a schema. */
    public static final String SCHEMA_VERSION = PREFIX + "source.schema.version";
    /** The job that failed it. */
    public static final String APPLICATION_ID = PREFIX + "application.id";
    /** When it was dead-lettered, ISO-8601 UTC. */
    public static final String TIME = PREFIX + "time";
    /** Set on a record put back on its topic by {@link DeadLetterReplay}: the dead-letter message's id. */
    public static final String REPLAYED_FROM = "tributary.replayed.from";
}
