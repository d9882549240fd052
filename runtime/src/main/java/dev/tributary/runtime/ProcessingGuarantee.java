package dev.tributary.runtime;

/** What a job promises about each input record's effects (see docs/GUARANTEES.md). */
public enum ProcessingGuarantee {
    /** Nothing is lost; after a crash the records since the last commit are processed again. */
    AT_LEAST_ONCE,
    /**
     * Each commit is one Pulsar transaction holding the outputs, changelog writes, dead letters and
     * the acknowledgement of its input: every record's effects appear exactly once.
     */
    EXACTLY_ONCE
}
