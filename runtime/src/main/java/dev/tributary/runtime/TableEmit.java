package dev.tributary.runtime;

/** When tables emit their updates downstream. */
public enum TableEmit {
    /** One update per changed key per commit, deduplicated by the record cache. */
    ON_COMMIT,
    /** Every update as it happens. */
    ON_UPDATE
}
