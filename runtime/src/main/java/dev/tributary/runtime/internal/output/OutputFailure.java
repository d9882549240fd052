package dev.tributary.runtime.internal.output;

/**
 * A write the broker refused or never confirmed.
 *
 * @param origin the input delivery the record derives from, or null when it derives from none
 * @param sink the sink node
 * @param topic the output topic
 * @param error why
 */
public record OutputFailure(WriteOrigin origin, String sink, String topic, Throwable error) {
}
