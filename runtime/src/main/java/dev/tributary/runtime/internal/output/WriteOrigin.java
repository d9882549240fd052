package dev.tributary.runtime.internal.output;

/**
 * What a write was made from: the input delivery handed back when the broker refuses the write, so
 * that the failure is traced to the record it came from.
 */
public interface WriteOrigin {
}
