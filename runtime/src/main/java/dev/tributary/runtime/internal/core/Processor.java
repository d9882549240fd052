package dev.tributary.runtime.internal.core;

import dev.tributary.dsl.processor.Record;

/** One operator instance of one task. Called by a single thread; may keep per-task state. */
@FunctionalInterface
public interface Processor {
    void process(Record<Object, Object> record);
}
