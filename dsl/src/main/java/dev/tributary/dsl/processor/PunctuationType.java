package dev.tributary.dsl.processor;

/** The clock a punctuation follows. */
public enum PunctuationType {
    /** Stream time: the largest record timestamp the task has seen; advances only with records. */
    STREAM_TIME,
    /** The system clock, checked between records even when no records arrive. */
    WALL_CLOCK_TIME
}
