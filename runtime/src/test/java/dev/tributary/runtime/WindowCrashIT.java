package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Windowed;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A windowed job in a JVM of its own is killed with {@code kill -9} mid-window and restarted on the
 * same state directory: no window ends under its true count, and stream time continues, so a window
 * closed before the kill is not reopened by a late record.
 */
@ExtendWith(PulsarExtension.class)
class WindowCrashIT {
    private static final long BASE = 1_700_000_000_000L;
    private static final int KEYS = 200;
    private static final int RECORDS = 30_000;

    private static Process launch(EmbeddedPulsar pulsar, String app, String input, String counts, Path state, Path log)
            throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, WindowJobMain.class.getName(),
                pulsar.serviceUrl(), pulsar.httpUrl(), app, input, counts, state.toString());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    private static long writtenTo(EmbeddedPulsar pulsar, String topic) {
        try {
            return pulsar.admin().topics().getStats(topic).getMsgInCounter();
        } catch (Exception e) {
            return Long.MAX_VALUE;
        }
    }

    private static List<String> readValues(PulsarClient client, String topic) {
        List<String> values = new ArrayList<>();
        try (org.apache.pulsar.client.api.Reader<String> reader = client.newReader(Schema.STRING).topic(topic)
                .startMessageId(org.apache.pulsar.client.api.MessageId.earliest).create()) {
            while (reader.hasMessageAvailable()) {
                Message<String> message = reader.readNext(5, TimeUnit.SECONDS);
                if (message == null) {
                    break;
                }
                values.add(message.getValue());
            }
        } catch (Exception e) {
            return values;
        }
        return values;
    }

    @Test
    void aKillMidWindowLeavesNoWindowUnderItsTrueCountAndStreamTimeContinues(EmbeddedPulsar pulsar,
                                                                           @TempDir Path state) throws Exception {
        String input = unique("wcrash-in");
        String counts = unique("wcrash-counts");
        String app = unique("wcrash");
        createTopic(pulsar, input);
        Path log = state.resolve("job.log");
        Map<String, Long> truth = new HashMap<>();
        Map<String, Long> latest = new ConcurrentHashMap<>();
        AtomicLong outputs = new AtomicLong();
        AtomicBoolean reading = new AtomicBoolean(true);
        try (PulsarClient client = pulsar.newClient();
             Consumer<Long> reader = client.newConsumer(Schema.INT64).topic(counts).subscriptionName("verifier")
                     .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
            Thread collector = new Thread(() -> {
                while (reading.get()) {
                    try {
                        Message<Long> message = reader.receive(100, TimeUnit.MILLISECONDS);
                        if (message != null) {
                            latest.merge(message.getKey() + "@" + message.getProperty(Windowed.START_PROPERTY),
                                    message.getValue(), Math::max);
                            outputs.incrementAndGet();
                            reader.acknowledgeAsync(message);
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            collector.start();
            try (Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true)
                    .create()) {
                Sends sends = new Sends();
                for (int i = 0; i < RECORDS; i++) {
                    String key = "k" + (i % KEYS);
                    long time = BASE + i * 2L;
                    truth.merge(key + "@" + (time - time % 1000), 1L, Long::sum);
                    sends.add(producer.newMessage().key(key).value("v" + i).eventTime(time).sendAsync());
                }
                producer.flush();
                sends.awaitAll(Duration.ofSeconds(60));
            }
            Process job = launch(pulsar, app, input, counts, state.resolve("state"), log);
            await("a third of the records counted", Duration.ofSeconds(120), () -> outputs.get() >= RECORDS / 3);
            CrashIT.kill9(job);
            System.out.println("WindowCrashIT killed the job after " + outputs.get() + " count updates");
            job = launch(pulsar, app, input, counts, state.resolve("state"), log);
            try {
                await("every record counted", Duration.ofSeconds(120), () -> truth.keySet().stream().allMatch(w -> latest.getOrDefault(w, 0L) >= truth.get(w)));
                long before = latest.get("k0@" + BASE);
                // Far behind k0's stream time: its window closed long before the kill.
                try (Producer<String> producer = client.newProducer(Schema.STRING).topic(input).create()) {
                    producer.newMessage().key("k0").value("late").eventTime(BASE + 10).send();
                }
                String lateTopic = input + "-" + app + "-late";
                await("the late record in the late topic", Duration.ofSeconds(60),
                        () -> readValues(client, lateTopic).contains("late"));
                // Besides it, only records redelivered after the kill whose windows the killed job's last
                // commit had closed (and counted): at-least-once, see docs/WINDOWS.md.
                List<String> late = readValues(client, lateTopic);
                assertTrue(late.stream().allMatch(v -> v.equals("late") || v.startsWith("v")), late.toString());
                System.out.println("WindowCrashIT: " + (late.size() - 1) + " redelivered record(s) found late");
                // Every count written so far has been read, the late record's commit included.
                await("every count read", Duration.ofSeconds(60),
                        () -> outputs.get() >= writtenTo(pulsar, counts));
                assertEquals(before, latest.get("k0@" + BASE), "the closed window was not reopened");
            } finally {
                job.destroy();
                assertTrue(job.waitFor(60, TimeUnit.SECONDS));
                reading.set(false);
                collector.join(5_000);
            }
            List<String> under = new ArrayList<>();
            truth.forEach((window, count) -> {
                if (latest.getOrDefault(window, 0L) < count) {
                    under.add(window + " " + latest.get(window) + " < " + count);
                }
            });
            assertTrue(under.isEmpty(), "windows under their true count: " + under);
        }
    }
}
