package dev.tributary.runtime.query;

/**
 * The kind of store a query expects, and so the read-only view it is given. Obtained from
 * {@link QueryableStoreTypes}.
 *
 * @param <T> the view's type
 */
public final class QueryableStoreType<T> {
    /** The kinds of store that can be queried. */
    public enum Kind {
        /** A key-value store: tables, aggregations, and stores of the Processor API. */
        KEY_VALUE,
        /** A store of fixed-size or sliding windows. */
        WINDOW,
        /** A store of session windows. */
        SESSION
    }

    private final Kind kind;

    QueryableStoreType(Kind kind) {
        this.kind = kind;
    }

    /**
     * The kind of store.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case KEY_VALUE -> "key-value store";
            case WINDOW -> "window store";
            case SESSION -> "session store";
        };
    }
}
