package dev.tributary.dsl;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a source starts reading when the job's subscription on its topic does not exist yet. Once
 * the subscription exists, the job continues from what it has committed; to reprocess from a point
 * in time on an existing subscription, start the job with a replay timestamp instead.
 */
public final class StartPosition {
    /** Kinds of start position. */
    public enum Kind {
        /** The oldest retained message. */
        EARLIEST,
        /** Only messages published after the subscription is created. */
        LATEST,
        /** The first message published at or after a point in time. */
        TIMESTAMP
    }

    private static final StartPosition EARLIEST = new StartPosition(Kind.EARLIEST, null);
    private static final StartPosition LATEST = new StartPosition(Kind.LATEST, null);

    private final Kind kind;
    private final Instant timestamp;

    private StartPosition(Kind kind, Instant timestamp) {
        this.kind = kind;
        this.timestamp = timestamp;
    }

    /**
     * Start from the oldest retained message (the default).
     *
     * @return the position
     */
    public static StartPosition earliest() {
        return EARLIEST;
    }

    /**
     * Start from messages published after the subscription is created.
     *
     * @return the position
     */
    public static StartPosition latest() {
        return LATEST;
    }

    /**
     * Start from the first message published at or after a point in time.
     *
     * @param timestamp the point in time (publish time)
     * @return the position
     */
    public static StartPosition at(Instant timestamp) {
        return new StartPosition(Kind.TIMESTAMP, Objects.requireNonNull(timestamp, "timestamp"));
    }

    /**
     * The kind of position.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The point in time, for {@link Kind#TIMESTAMP}.
     *
     * @return the timestamp, or null for the other kinds
     */
    public Instant timestamp() {
        return timestamp;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StartPosition p && p.kind == kind && Objects.equals(p.timestamp, timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, timestamp);
    }

    @Override
    public String toString() {
        return kind == Kind.TIMESTAMP ? "timestamp " + timestamp : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
