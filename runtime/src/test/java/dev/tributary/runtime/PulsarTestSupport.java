package dev.tributary.runtime;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;

/** Helpers shared by the integration tests: unique names, job settings, reading outputs, waiting. */
final class PulsarTestSupport {
    private PulsarTestSupport() {
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Configuration config(EmbeddedPulsar pulsar, String applicationId) {
        return Configuration.empty()
                .with(RuntimeOptions.APPLICATION_ID, applicationId)
                .with(RuntimeOptions.SERVICE_URL, pulsar.serviceUrl())
                .with(RuntimeOptions.ADMIN_URL, pulsar.httpUrl());
    }

    static void createTopic(EmbeddedPulsar pulsar, String topic) throws Exception {
        pulsar.admin().topics().createNonPartitionedTopic(topic);
    }

    /** Reads every message currently on a topic, from the start, through a fresh exclusive subscription. */
    static <T> List<Message<T>> readAll(PulsarClient client, String topic, Schema<T> schema, int expected,
                                        Duration timeout) throws Exception {
        List<Message<T>> out = new ArrayList<>();
        try (Consumer<T> consumer = client.newConsumer(schema).topic(topic).subscriptionName(unique("reader"))
                .subscriptionType(SubscriptionType.Exclusive)
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                Message<T> message = consumer.receive(200, TimeUnit.MILLISECONDS);
                if (message != null) {
                    out.add(message);
                }
            }
            // Anything beyond the expected count is a duplicate or a stray: give it a moment to show up.
            Message<T> extra;
            while ((extra = consumer.receive(300, TimeUnit.MILLISECONDS)) != null) {
                out.add(extra);
            }
        }
        return out;
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
