/**
 * The processing core: operators that run on records handed to them and write through a
 * {@link dev.tributary.runtime.internal.core.RecordCollector}. No I/O happens here, which is what
 * lets the same compiled topology run on Pulsar and in the in-memory test driver.
 */
package dev.tributary.runtime.internal.core;
