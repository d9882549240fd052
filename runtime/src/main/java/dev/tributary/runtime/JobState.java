package dev.tributary.runtime;

/** The life cycle of a {@link JobRunner}. */
public enum JobState {
    /** Created, not started. */
    CREATED,
    /** Connected and processing. */
    RUNNING,
    /** Stopping: finishing in-flight records and committing. */
    STOPPING,
    /** Stopped after a final commit, or aborted without one. */
    STOPPED,
    /** Stopped by an error; see {@link JobRunner#failure()}. */
    FAILED
}
