package dev.tributary.dsl;

/**
 * When a windowed aggregation sends its results downstream.
 *
 * <ul>
 * <li>{@link #onWindowUpdate()} (the default): every record's new aggregate, at once;</li>
 * <li>{@link #onCommit()}: the latest aggregate of each changed window once per commit;</li>
 * <li>{@link #onWindowClose()}: each window's final aggregate once, when it closes (its end plus the
 * grace period reached by stream time), read back from the persistent window store.</li>
 * </ul>
 */
public final class EmitStrategy {
    /** The kinds of strategy. */
    public enum Kind {
        /** Every update, at once. */
        ON_WINDOW_UPDATE,
        /** The latest aggregate of each changed window, at every commit. */
        ON_COMMIT,
        /** The final aggregate of each window, once, when it closes. */
        ON_WINDOW_CLOSE
    }

    private static final EmitStrategy UPDATE = new EmitStrategy(Kind.ON_WINDOW_UPDATE);
    private static final EmitStrategy COMMIT = new EmitStrategy(Kind.ON_COMMIT);
    private static final EmitStrategy CLOSE = new EmitStrategy(Kind.ON_WINDOW_CLOSE);

    private final Kind kind;

    private EmitStrategy(Kind kind) {
        this.kind = kind;
    }

    /**
     * @return emit every update at once
     */
    public static EmitStrategy onWindowUpdate() {
        return UPDATE;
    }

    /**
     * @return emit each changed window's latest aggregate once per commit
     */
    public static EmitStrategy onCommit() {
        return COMMIT;
    }

    /**
     * @return emit each window's final aggregate once, when it closes
     */
    public static EmitStrategy onWindowClose() {
        return CLOSE;
    }

    /**
     * @return which strategy this is
     */
    public Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
