package dev.tributary.runtime.internal.compile;

import dev.tributary.runtime.internal.core.SinkTarget;

/** A sink with a fixed, normalized topic. */
public record SinkSpec(String topic, SinkTarget target) {
}
