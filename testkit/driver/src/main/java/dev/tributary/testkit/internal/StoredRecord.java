package dev.tributary.testkit.internal;

import java.util.Map;

/** A record as the driver keeps it on an output topic: encoded, as it would be on a broker. */
public record StoredRecord(byte[] key, byte[] value, long timestamp, Map<String, String> properties) {
}
