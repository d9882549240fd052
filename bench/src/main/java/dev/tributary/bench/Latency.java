package dev.tributary.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;

/**
 * B8: end-to-end latency at a fixed rate. A publisher writes values stamped with {@link System#nanoTime()}
 * at a steady pace; a reader of the pipeline's output measures, for each record, the time from its
 * stamp to its arrival. Publisher, pipeline and reader share the JVM's clock.
 */
final class Latency {
    /** Latency percentiles in milliseconds. */
    record Percentiles(double p50, double p99, double p999, long samples) {
        static Percentiles of(long[] nanos, int count) {
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            return new Percentiles(at(sorted, 0.50), at(sorted, 0.99), at(sorted, 0.999), count);
        }

        private static double at(long[] sorted, double quantile) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
        }
    }

    private Latency() {
    }

    /** Publishes {@code records} stamped values at {@code perSecond} on its own thread. */
    static Thread publish(PulsarClient client, String topic, long records, double perSecond) throws Exception {
        Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).blockIfQueueFull(true)
                .batchingMaxPublishDelay(1, TimeUnit.MILLISECONDS).create();
        Thread thread = new Thread(() -> {
            Random random = new Random(42);
            char[] pad = new char[80];
            Arrays.fill(pad, 'x');
            String padding = new String(pad);
            long began = System.nanoTime();
            double interval = 1e9 / perSecond;
            try {
                for (long i = 0; i < records; i++) {
                    long due = began + (long) (i * interval);
                    long wait = due - System.nanoTime();
                    if (wait > 50_000) {
                        LockSupport.parkNanos(wait);
                    }
                    producer.newMessage().key("key-" + random.nextInt(10_000))
                            .value(System.nanoTime() + " " + padding).sendAsync();
                }
                producer.flush();
                producer.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "bench-publisher");
        thread.start();
        return thread;
    }

    /**
     * Reads {@code records} outputs and measures each one's latency; the first fifth is warm-up and
     * not counted.
     */
    static Percentiles measure(PulsarClient client, String output, long records, long timeoutMillis) throws Exception {
        long[] samples = new long[(int) records];
        int count = 0;
        long warmUp = records / 5;
        long seen = 0;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try (Consumer<byte[]> consumer = client.newConsumer(Schema.BYTES).topic(output).subscriptionName("latency")
                .subscriptionType(SubscriptionType.Exclusive)
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
            while (seen < records && System.currentTimeMillis() < deadline) {
                Message<byte[]> message = consumer.receive(100, TimeUnit.MILLISECONDS);
                if (message == null) {
                    continue;
                }
                long now = System.nanoTime();
                seen++;
                if (seen > warmUp) {
                    samples[count++] = now - stamp(message.getData());
                }
                consumer.acknowledgeAsync(message);
            }
        }
        if (seen < records) {
            throw new IllegalStateException("only " + seen + " of " + records + " outputs arrived in time");
        }
        return Percentiles.of(samples, count);
    }

    private static long stamp(byte[] value) {
        String text = new String(value, 0, Math.min(value.length, 24), StandardCharsets.US_ASCII);
        return Long.parseLong(text.substring(0, text.indexOf(' ')));
    }
}
