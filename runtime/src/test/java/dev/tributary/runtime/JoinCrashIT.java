package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * A stream-table join in a JVM of its own is killed with {@code kill -9} while it enriches a backlog
 * of orders, and restarted on the same state directory: no order is lost (some may be joined twice,
 * at-least-once), and every one still meets its customer, so the table survived the crash.
 */
@ExtendWith(PulsarExtension.class)
class JoinCrashIT {
    private static final long BASE = 1_700_000_000_000L;
    private static final int CUSTOMERS = 1_000;
    private static final int ORDERS = 30_000;

    private static Process launch(EmbeddedPulsar pulsar, String app, String orders, String customers, String output,
                                  Path state, Path log) throws Exception {
        return launch(pulsar, app, orders, customers, output, state, log, "stream-table");
    }

    private static Process launch(EmbeddedPulsar pulsar, String app, String orders, String other, String output,
                                  Path state, Path log, String kind) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, JoinJobMain.class.getName(),
                pulsar.serviceUrl(), pulsar.httpUrl(), app, orders, other, output, state.toString(), kind);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    /** Reads the output on a thread of its own: the latest result per order, and orders given two different ones. */
    private static final class Results implements AutoCloseable {
        final Map<String, String> byOrder = new ConcurrentHashMap<>();
        final List<String> conflicts = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicLong outputs = new AtomicLong();
        private final AtomicBoolean reading = new AtomicBoolean(true);
        private final Consumer<String> reader;
        private final Thread thread;

        Results(PulsarClient client, String output) throws Exception {
            reader = client.newConsumer(Schema.STRING).topic(output).subscriptionName("verifier")
                    .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
            thread = new Thread(this::read);
            thread.start();
        }

        private void read() {
            while (reading.get()) {
                try {
                    Message<String> message = reader.receive(100, TimeUnit.MILLISECONDS);
                    if (message != null) {
                        String value = message.getValue();
                        String previous = byOrder.put(value.substring(0, value.indexOf('/')), value);
                        if (previous != null && !previous.equals(value)) {
                            conflicts.add(previous + " then " + value);
                        }
                        outputs.incrementAndGet();
                        reader.acknowledgeAsync(message);
                    }
                } catch (Exception e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws Exception {
            reading.set(false);
            thread.join(5_000);
            reader.close();
        }
    }

    @Test
    void aKillMidJoinLosesNoOrderAndTheTableSurvives(EmbeddedPulsar pulsar, @TempDir Path state) throws Exception {
        String orders = unique("jcrash-orders");
        String customers = unique("jcrash-customers");
        String output = unique("jcrash-out");
        String app = unique("jcrash");
        pulsar.admin().topics().createPartitionedTopic(orders, 2);
        createTopic(pulsar, customers);
        Path log = state.resolve("job.log");
        try (PulsarClient client = pulsar.newClient();
             Results collected = new Results(client, output)) {
            Map<String, String> results = collected.byOrder;
            AtomicLong outputs = collected.outputs;
            long time = BASE;
            try (Producer<String> rows = client.newProducer(Schema.STRING).topic(customers).create();
                 Producer<String> placed = client.newProducer(Schema.STRING).topic(orders).enableBatching(false)
                         .blockIfQueueFull(true).create()) {
                Sends sends = new Sends();
                for (int i = 0; i < CUSTOMERS; i++) {
                    sends.add(rows.newMessage().key("c" + i).value("row" + i).eventTime(time++).sendAsync());
                }
                rows.flush();
                sends.awaitAll(Duration.ofSeconds(60));
                for (int i = 0; i < ORDERS; i++) {
                    sends.add(placed.newMessage().key("c" + (i % CUSTOMERS)).value("o" + i).eventTime(time++)
                            .sendAsync());
                }
                sends.awaitAll(Duration.ofSeconds(120));
            }
            Process job = launch(pulsar, app, orders, customers, output, state.resolve("state"), log);
            await("a third of the orders joined", Duration.ofSeconds(120), () -> outputs.get() >= ORDERS / 3);
            CrashIT.kill9(job);
            System.out.println("JoinCrashIT killed the job after " + outputs.get() + " results");
            job = launch(pulsar, app, orders, customers, output, state.resolve("state"), log);
            try {
                await("every order joined", Duration.ofSeconds(120), () -> results.size() >= ORDERS);
            } finally {
                job.destroy();
                assertTrue(job.waitFor(60, TimeUnit.SECONDS));
            }
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                String expected = "o" + i + "/row" + (i % CUSTOMERS);
                if (!expected.equals(results.get("o" + i))) {
                    wrong.add(expected + " but " + results.get("o" + i));
                }
            }
            assertTrue(wrong.isEmpty(), wrong.size() + " orders not joined with their customer, e.g. "
                    + wrong.subList(0, Math.min(5, wrong.size())));
            assertEquals(ORDERS, results.size());
            System.out.println("JoinCrashIT: " + (outputs.get() - ORDERS) + " result(s) written twice (at-least-once)");
        }
    }

    /**
     * The windowed left join of orders with payments: two orders in three are paid 500 ms after they were
     * placed. After a kill and a restart, every order has its one result (paid, or with null once its
     * window closed), never both: the stores and their matched flags survive through the changelogs.
     */
    @Test
    void aKillMidStreamStreamJoinLosesNoResultAndEmitsNoSpuriousOne(EmbeddedPulsar pulsar, @TempDir Path state)
            throws Exception {
        String orders = unique("sscrash-orders");
        String payments = unique("sscrash-payments");
        String output = unique("sscrash-out");
        String app = unique("sscrash");
        int count = 20_000;
        int keys = 1_000;
        pulsar.admin().topics().createPartitionedTopic(orders, 2);
        createTopic(pulsar, payments);
        Path log = state.resolve("job.log");
        try (PulsarClient client = pulsar.newClient();
             Results collected = new Results(client, output)) {
            Map<String, String> results = collected.byOrder;
            List<String> conflicts = collected.conflicts;
            AtomicLong outputs = collected.outputs;
            try (Producer<String> placed = client.newProducer(Schema.STRING).topic(orders).enableBatching(false)
                         .blockIfQueueFull(true).create();
                 Producer<String> paid = client.newProducer(Schema.STRING).topic(payments).enableBatching(false)
                         .blockIfQueueFull(true).create()) {
                Sends sends = new Sends();
                // In time order on both topics: order i at BASE + 10 i, its payment 500 ms later (50 orders on).
                for (int i = 0; i < count + 50; i++) {
                    if (i < count) {
                        sends.add(placed.newMessage().key("c" + (i % keys)).value("o" + i).eventTime(BASE + 10L * i)
                                .sendAsync());
                    }
                    int payFor = i - 50;
                    if (payFor >= 0 && payFor % 3 != 0) {
                        sends.add(paid.newMessage().key("c" + (payFor % keys)).value("p" + payFor)
                                .eventTime(BASE + 10L * payFor + 500).sendAsync());
                    }
                }
                // One order per key far later closes every window; its own stays open.
                for (int k = 0; k < keys; k++) {
                    sends.add(placed.newMessage().key("c" + k).value("end" + k).eventTime(BASE + 10L * count + 60_000)
                            .sendAsync());
                }
                sends.awaitAll(Duration.ofSeconds(120));
            }
            Process job = launch(pulsar, app, orders, payments, output, state.resolve("state"), log, "stream-stream");
            await("a third of the orders joined", Duration.ofSeconds(120), () -> outputs.get() >= count / 3);
            CrashIT.kill9(job);
            System.out.println("JoinCrashIT killed the stream-stream join after " + outputs.get() + " results");
            job = launch(pulsar, app, orders, payments, output, state.resolve("state"), log, "stream-stream");
            try {
                await("every order's result", Duration.ofSeconds(120), () -> results.size() >= count);
            } finally {
                job.destroy();
                assertTrue(job.waitFor(60, TimeUnit.SECONDS));
            }
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String expected = "o" + i + "/" + (i % 3 == 0 ? "null" : "p" + i);
                if (!expected.equals(results.get("o" + i))) {
                    wrong.add(expected + " but " + results.get("o" + i));
                }
            }
            assertTrue(wrong.isEmpty(), wrong.size() + " orders with a wrong result, e.g. "
                    + wrong.subList(0, Math.min(5, wrong.size())));
            assertTrue(conflicts.isEmpty(), "an order with two different results: " + conflicts.subList(0,
                    Math.min(5, conflicts.size())));
            assertEquals(count, results.size(), "no result for an order never placed");
            System.out.println("JoinCrashIT: " + (outputs.get() - count) + " stream-stream result(s) written twice");
        }
    }
}
