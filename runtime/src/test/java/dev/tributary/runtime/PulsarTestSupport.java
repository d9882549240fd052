package dev.tributary.runtime;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.TestTopics;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/** Helpers shared by the integration tests: unique names, job settings, reading outputs, waiting. */
final class PulsarTestSupport {
    private PulsarTestSupport() {
    }

    static String unique(String prefix) {
        return TestTopics.unique(prefix);
    }

    static Configuration config(EmbeddedPulsar pulsar, String applicationId) {
        return Configuration.of(pulsar.jobSettings(applicationId));
    }

    static void createTopic(EmbeddedPulsar pulsar, String topic) throws Exception {
        pulsar.admin().topics().createNonPartitionedTopic(topic);
    }

    /** Reads a topic from the start once it holds the expected messages, up to its last message (see {@link TestTopics}). */
    static <T> List<Message<T>> readAll(PulsarClient client, String topic, Schema<T> schema, int expected,
                                        Duration timeout) throws Exception {
        return TestTopics.readAll(client, topic, schema, expected, timeout);
    }

    /** Compares outputs per key, in order, and reports the first difference instead of both maps. */
    static <K, V> void assertSameOutputs(java.util.Map<K, java.util.List<V>> expected,
                                         java.util.Map<K, java.util.List<V>> actual) {
        for (var entry : expected.entrySet()) {
            java.util.List<V> got = actual.getOrDefault(entry.getKey(), java.util.List.of());
            if (!entry.getValue().equals(got)) {
                fail("key " + entry.getKey() + ": expected " + entry.getValue().size() + " outputs, got " + got.size()
                        + "; expected " + head(entry.getValue()) + " got " + head(got));
            }
        }
        for (K key : actual.keySet()) {
            if (!expected.containsKey(key)) {
                fail("unexpected output key " + key + ": " + head(actual.get(key)));
            }
        }
    }

    private static <V> String head(java.util.List<V> values) {
        return values.size() <= 6 ? values.toString() : values.subList(0, 6) + "...";
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        dev.tributary.testkit.pulsar.Await.until(what, timeout, condition);
    }

    static long backlog(EmbeddedPulsar pulsar, String topic, String subscription) throws Exception {
        return pulsar.admin().topics().getStats(topic).getSubscriptions().get(subscription).getMsgBacklog();
    }
}
