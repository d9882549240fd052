package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * Stream-table joins on the broker: orders (four partitions) left-joined with customers (one
 * partition), with customer updates and deletions between batches of orders.
 */
@ExtendWith(PulsarExtension.class)
class JoinsIT {
    private static final long BASE = 1_700_000_000_000L;
    private static final int CUSTOMERS = 10_000;

    @TempDir
    Path stateRoot;

    /** A message: its key, value (null deletes) and event time. */
    private record Row(String key, String value, long time) {
    }

    /** Customer rows and orders, batch by batch, each later in event time than the one before. */
    private static final class Script {
        final List<List<Row>> customerBatches = new ArrayList<>();
        final List<List<Row>> orderBatches = new ArrayList<>();
        final Map<String, String> expected = new HashMap<>();

        Script(int batches, int ordersPerBatch, int changesPerBatch, long seed) {
            Random random = new Random(seed);
            Map<String, String> rows = new HashMap<>();
            long time = BASE;
            for (int batch = 0; batch < batches; batch++) {
                List<Row> changes = new ArrayList<>();
                int count = batch == 0 ? CUSTOMERS : changesPerBatch;
                for (int i = 0; i < count; i++) {
                    String customer = "c" + (batch == 0 ? i : random.nextInt(CUSTOMERS));
                    // After the first batch, one change in four deletes the customer.
                    String row = batch > 0 && random.nextInt(4) == 0 ? null : customer + "-v" + batch;
                    changes.add(new Row(customer, row, time++));
                    rows.put(customer, row);
                }
                List<Row> orders = new ArrayList<>();
                for (int i = 0; i < ordersPerBatch; i++) {
                    String customer = "c" + random.nextInt(CUSTOMERS);
                    String order = "o" + batch + "-" + i;
                    orders.add(new Row(customer, order, time++));
                    expected.put(order, order + "/" + rows.get(customer));
                }
                customerBatches.add(changes);
                orderBatches.add(orders);
            }
        }
    }

    private static Topology enrichment(String orders, String customers, String output) {
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> table = builder.table(customers, Schema.STRING);
        builder.stream(orders, Schema.STRING).leftJoin(table, (order, row) -> order + "/" + row)
                .to(output, Schema.STRING);
        return builder.build();
    }

    private Configuration settings(EmbeddedPulsar pulsar, String app, String instance) {
        // Waiting up to a second for an input with nothing buffered keeps the time order across the two
        // topics through the catch-up of a backlog.
        return stepwiseSettings(pulsar, app, instance).with("input.partition.max-wait", "1s");
    }

    /**
     * For a test that publishes a batch only once the one before is processed: no backlog to catch up
     * across the topics, so the default wait for an empty input will do (a second per empty input, with
     * a consumer per partition and key group claimed, made such a test take minutes).
     */
    private Configuration stepwiseSettings(EmbeddedPulsar pulsar, String app, String instance) {
        return config(pulsar, app).with(RuntimeOptions.STATE_DIR, stateRoot.resolve(instance).toString())
                .with(RuntimeOptions.INSTANCE_ID, instance).with(RuntimeOptions.KEY_GROUPS, 16);
    }

    /**
     * Unbatched, so that every message is routed by its own key (a batch goes where its first key goes)
     * and each partition keeps the order of the list.
     */
    private static void publish(PulsarClient client, String topic, List<Row> messages) throws Exception {
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).enableBatching(false)
                .blockIfQueueFull(true).maxPendingMessages(2_000).create()) {
            Sends sends = new Sends();
            for (Row message : messages) {
                // A null value is a tombstone: it deletes the customer.
                sends.add(producer.newMessage().key(message.key).eventTime(message.time).value(message.value)
                        .sendAsync());
            }
            sends.awaitAll(Duration.ofSeconds(120));
        }
    }

    private static Map<String, String> results(PulsarClient client, String topic, int expected) throws Exception {
        Map<String, String> byOrder = new HashMap<>();
        int received = 0;
        try (Consumer<String> consumer = client.newConsumer(Schema.STRING).topic(topic).subscriptionName(unique("check"))
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).receiverQueueSize(2_000).subscribe()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                Message<String> message = consumer.receive(received < expected ? 1_000 : 2_000, TimeUnit.MILLISECONDS);
                if (message == null) {
                    if (received >= expected) {
                        break;
                    }
                    continue;
                }
                received++;
                String value = message.getValue();
                assertTrue(byOrder.put(value.substring(0, value.indexOf('/')), value) == null,
                        "one result per order in a run without crashes: " + value);
                consumer.acknowledgeAsync(message);
            }
        }
        return byOrder;
    }

    /** Names how many results differ, and the first few, rather than print both maps whole. */
    private static void assertExact(Map<String, String> expected, Map<String, String> actual, String what) {
        List<String> wrong = new ArrayList<>();
        expected.forEach((order, value) -> {
            if (!value.equals(actual.get(order))) {
                wrong.add(order + ": expected " + value + ", got " + actual.get(order));
            }
        });
        assertTrue(wrong.isEmpty(), what + ": " + wrong.size() + " of " + expected.size() + " wrong, e.g. "
                + wrong.subList(0, Math.min(5, wrong.size())));
        assertEquals(expected.size(), actual.size(), what + ": no result for an order never sent");
    }

    @Test
    void aHundredThousandOrdersMeetTheirCustomersAsTheyWereAcrossDifferentPartitionCounts(EmbeddedPulsar pulsar)
            throws Exception {
        String orders = unique("orders");
        String customers = unique("customers");
        String output = unique("enriched");
        pulsar.admin().topics().createPartitionedTopic(orders, 4);
        pulsar.admin().topics().createNonPartitionedTopic(customers);
        Script script = new Script(10, 10_000, 2_000, 1);
        try (PulsarClient client = pulsar.newClient()) {
            // The whole script is a backlog: the job reads both topics in time order.
            for (int batch = 0; batch < script.orderBatches.size(); batch++) {
                publish(client, customers, script.customerBatches.get(batch));
                publish(client, orders, script.orderBatches.get(batch));
            }
            long total = script.customerBatches.stream().mapToLong(List::size).sum() + script.expected.size();
            long began = System.nanoTime();
            try (JobRunner job = new JobRunner(enrichment(orders, customers, output), settings(pulsar, unique("join"),
                    "one")).start()) {
                await("every record processed", Duration.ofSeconds(240), () -> job.processedRecords() >= total);
                System.out.printf("joins: %d records (%d orders) in %d ms%n", total, script.expected.size(),
                        (System.nanoTime() - began) / 1_000_000);
            }
            assertExact(script.expected, results(client, output, script.expected.size()),
                    "every order enriched with its customer as it was");
        }
    }

    @Test
    void twoInstancesEnrichTheirKeyGroupsExactlyWithUpdatesBetweenBatches(EmbeddedPulsar pulsar) throws Exception {
        String orders = unique("orders");
        String customers = unique("customers");
        String output = unique("enriched");
        String app = unique("join2");
        pulsar.admin().topics().createPartitionedTopic(orders, 4);
        pulsar.admin().topics().createNonPartitionedTopic(customers);
        Script script = new Script(4, 5_000, 2_000, 2);
        Topology topology = enrichment(orders, customers, output);
        try (PulsarClient client = pulsar.newClient();
             JobRunner one = new JobRunner(topology, stepwiseSettings(pulsar, app, "one")).start();
             JobRunner two = new JobRunner(topology, stepwiseSettings(pulsar, app, "two")).start()) {
            await("the key groups to split", Duration.ofSeconds(60),
                    () -> one.ownedKeyGroups() == 8 && two.ownedKeyGroups() == 8);
            long published = 0;
            for (int batch = 0; batch < script.orderBatches.size(); batch++) {
                for (List<Row> part : List.of(script.customerBatches.get(batch), script.orderBatches.get(batch))) {
                    publish(client, part == script.customerBatches.get(batch) ? customers : orders, part);
                    long upTo = published += part.size();
                    await("batch " + batch + " processed", Duration.ofSeconds(60),
                            () -> one.processedRecords() + two.processedRecords() >= upTo);
                }
            }
            assertTrue(one.processedRecords() > 0 && two.processedRecords() > 0, "both instances took part");
            assertExact(script.expected, results(client, output, script.expected.size()),
                    "each instance enriched its key groups' orders exactly");
        }
    }

    /** A topic of table changes read as a table, up to its last message: the last value per key, a null deleting it. */
    private static Map<String, String> readTable(PulsarClient client, String topic) throws Exception {
        Map<String, String> table = new HashMap<>();
        try (org.apache.pulsar.client.api.Reader<String> reader = client.newReader(Schema.STRING).topic(topic)
                .startMessageId(org.apache.pulsar.client.api.MessageId.earliest).create()) {
            while (reader.hasMessageAvailable()) {
                Message<String> change = reader.readNext(10, TimeUnit.SECONDS);
                if (change == null) {
                    break;
                }
                table.compute(change.getKey(), (k, v) -> change.getValue());
            }
        }
        return table;
    }

    @Test
    void foreignKeyJoinsAreExactAfterUpdatesAndDeletionsOnBothSidesAndForeignKeyChanges(EmbeddedPulsar pulsar)
            throws Exception {
        String orders = unique("fk-orders");
        String customers = unique("fk-customers");
        String output = unique("fk-out");
        pulsar.admin().topics().createPartitionedTopic(orders, 4);
        pulsar.admin().topics().createNonPartitionedTopic(customers);
        StreamBuilder builder = new StreamBuilder();
        // Orders keyed by order id, valued "customer:n"; customers keyed by customer id.
        Table<String, String> orderTable = builder.table(orders, Schema.STRING);
        Table<String, String> customerTable = builder.table(customers, Schema.STRING);
        java.util.function.Function<String, String> customerOf = order -> order.substring(0, order.indexOf(':'));
        orderTable.join(customerTable, customerOf::apply, (o, c) -> o + "/" + c).toStream()
                .to(output + "-inner", Schema.STRING);
        orderTable.leftJoin(customerTable, customerOf::apply, (o, c) -> o + "/" + c).toStream()
                .to(output + "-left", Schema.STRING);
        Random random = new Random(21);
        List<Row> orderRows = new ArrayList<>();
        List<Row> customerRows = new ArrayList<>();
        Map<String, String> finalOrders = new HashMap<>();
        Map<String, String> finalCustomers = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            if (random.nextBoolean()) {
                // An order's customer changes with most updates: it unsubscribes from the old one.
                String id = "o" + random.nextInt(3_000);
                String value = random.nextInt(6) == 0 ? null : "c" + random.nextInt(500) + ":" + i;
                orderRows.add(new Row(id, value, BASE + i));
                finalOrders.put(id, value);
            } else {
                String id = "c" + random.nextInt(500);
                String value = random.nextInt(5) == 0 ? null : "name" + i;
                customerRows.add(new Row(id, value, BASE + i));
                finalCustomers.put(id, value);
            }
        }
        try (PulsarClient client = pulsar.newClient();
             // The final tables do not depend on the order across the topics (stale answers are dropped
             // by their hash), so the default wait for an empty input does: a second per empty repartition
             // topic made this test take a minute.
             JobRunner job = new JobRunner(builder.build(), stepwiseSettings(pulsar, unique("fk"), "one")).start()) {
            // Published while the job runs, so that answers are in flight while their orders change again.
            publish(client, orders, orderRows);
            publish(client, customers, customerRows);
            for (String kind : List.of("inner", "left")) {
                Map<String, String> expected = new HashMap<>();
                finalOrders.forEach((id, order) -> {
                    String customer = order == null ? null : finalCustomers.get(customerOf.apply(order));
                    if (order != null && (customer != null || kind.equals("left"))) {
                        expected.put(id, order + "/" + customer);
                    }
                });
                String topic = output + "-" + kind;
                // The joined table settles once every subscription and answer went through; one reader
                // follows it, so that each look reads only what is new.
                Map<String, String> joined = new HashMap<>();
                try (org.apache.pulsar.client.api.Reader<String> reader = client.newReader(Schema.STRING).topic(topic)
                        .startMessageId(org.apache.pulsar.client.api.MessageId.earliest).create()) {
                    await(kind + " join's table to match the final tables", Duration.ofSeconds(120), () -> {
                        try {
                            Message<String> change;
                            while ((change = reader.readNext(1, TimeUnit.MILLISECONDS)) != null) {
                                Message<String> applied = change;
                                joined.compute(applied.getKey(), (k, v) -> applied.getValue());
                            }
                            return joined.equals(expected);
                        } catch (Exception e) {
                            return false;
                        }
                    });
                }
                assertExact(expected, readTable(client, topic), kind + " foreign-key join's final table");
            }
        }
    }

    @Test
    void tableTableJoinsAreExactAfterUpdatesAndDeletionsOnBothSides(EmbeddedPulsar pulsar) throws Exception {
        String left = unique("left");
        String right = unique("right");
        String output = unique("tables");
        pulsar.admin().topics().createPartitionedTopic(left, 4);
        pulsar.admin().topics().createNonPartitionedTopic(right);
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> l = builder.table(left, Schema.STRING);
        Table<String, String> r = builder.table(right, Schema.STRING);
        l.join(r, (a, b) -> a + "+" + b).toStream().to(output + "-inner", Schema.STRING);
        l.leftJoin(r, (a, b) -> a + "+" + b).toStream().to(output + "-left", Schema.STRING);
        l.outerJoin(r, (a, b) -> a + "+" + b).toStream().to(output + "-outer", Schema.STRING);
        Random random = new Random(9);
        List<Row> lefts = new ArrayList<>();
        List<Row> rights = new ArrayList<>();
        Map<String, String> finalLeft = new HashMap<>();
        Map<String, String> finalRight = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            String key = "k" + random.nextInt(2_000);
            String value = random.nextInt(5) == 0 ? null : "v" + i;
            boolean onLeft = random.nextBoolean();
            (onLeft ? lefts : rights).add(new Row(key, value, BASE + i));
            (onLeft ? finalLeft : finalRight).put(key, value);
        }
        try (PulsarClient client = pulsar.newClient()) {
            publish(client, left, lefts);
            publish(client, right, rights);
            try (JobRunner job = new JobRunner(builder.build(), settings(pulsar, unique("tables"), "one")).start()) {
                await("every update processed", Duration.ofSeconds(120), () -> job.processedRecords() >= 20_000);
            }
            java.util.Set<String> keys = new java.util.HashSet<>(finalLeft.keySet());
            keys.addAll(finalRight.keySet());
            for (String kind : List.of("inner", "left", "outer")) {
                Map<String, String> expected = new HashMap<>();
                for (String key : keys) {
                    String a = finalLeft.get(key);
                    String b = finalRight.get(key);
                    boolean holds = kind.equals("inner") ? a != null && b != null
                            : kind.equals("left") ? a != null : a != null || b != null;
                    if (holds) {
                        expected.put(key, a + "+" + b);
                    }
                }
                assertExact(expected, readTable(client, output + "-" + kind), kind + " join's final table");
            }
        }
    }

    @Test
    void aGlobalTableMessageItsSchemaCannotDecodeIsSkippedCountedAndTheRestIsRead(EmbeddedPulsar pulsar)
            throws Exception {
        String prices = unique("prices");
        String orders = unique("porders");
        String output = unique("pout");
        pulsar.admin().topics().createNonPartitionedTopic(prices);
        pulsar.admin().topics().createNonPartitionedTopic(orders);
        StreamBuilder builder = new StreamBuilder();
        var table = builder.globalTable(prices, dev.tributary.dsl.Consumed.with(Schema.STRING, Schema.INT64));
        builder.stream(orders, Schema.STRING).leftJoin(table, (id, product) -> product, (product, price) -> product
                + "=" + price).to(output, Schema.STRING);
        try (PulsarClient client = pulsar.newClient()) {
            try (Producer<Long> good = client.newProducer(Schema.INT64).topic(prices).create();
                 Producer<byte[]> bad = client.newProducer(Schema.BYTES).topic(prices).create()) {
                good.newMessage().key("apple").value(3L).send();
                // Three bytes are no INT64: the row keeps its value.
                bad.newMessage().key("pear").value(new byte[] {1, 2, 3}).send();
                good.newMessage().key("plum").value(5L).send();
            }
            try (JobRunner job = new JobRunner(builder.build(), settings(pulsar, unique("gbad"), "one")).start()) {
                publish(client, orders, List.of(new Row("o1", "apple", BASE), new Row("o2", "pear", BASE + 1),
                        new Row("o3", "plum", BASE + 2)));
                List<String> priced = new ArrayList<>();
                for (Message<String> message : readAll(client, output, Schema.STRING, 3, Duration.ofSeconds(60))) {
                    priced.add(message.getValue());
                }
                priced.sort(null);
                assertEquals(List.of("apple=3", "pear=null", "plum=5"), priced);
                double skipped = job.meterRegistry().find(dev.tributary.runtime.internal.metrics.TaskMetrics
                        .GLOBAL_TABLE_SKIPPED).counters().stream().mapToDouble(c -> c.count()).sum();
                assertEquals(1.0, skipped, "the message that cannot be decoded is counted");
            }
        }
    }

    @Test
    void aGlobalTableIsWholeOnThreeInstancesAndItsUpdatesReachEveryOne(EmbeddedPulsar pulsar) throws Exception {
        String products = unique("products");
        String orders = unique("gorders");
        String output = unique("priced");
        String app = unique("global");
        pulsar.admin().topics().createNonPartitionedTopic(products);
        pulsar.admin().topics().createPartitionedTopic(orders, 4);
        StreamBuilder builder = new StreamBuilder();
        var table = builder.globalTable(products, Schema.STRING);
        // Orders keyed by order id: the product key comes from the value, so any instance may need any row.
        builder.stream(orders, Schema.STRING).leftJoin(table, (id, order) -> order, (order, row) -> order + "=" + row)
                .to(output, Schema.STRING);
        Topology topology = builder.build();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            rows.add(new Row("p" + i, "p" + i + "-v1", BASE + i));
        }
        Random random = new Random(4);
        try (PulsarClient client = pulsar.newClient()) {
            publish(client, products, rows);
            try (JobRunner one = new JobRunner(topology, settings(pulsar, app, "one")).start();
                 JobRunner two = new JobRunner(topology, settings(pulsar, app, "two")).start();
                 JobRunner three = new JobRunner(topology, settings(pulsar, app, "three")).start()) {
                List<JobRunner> jobs = List.of(one, two, three);
                await("the key groups to split three ways", Duration.ofSeconds(60),
                        () -> jobs.stream().allMatch(job -> job.ownedKeyGroups() > 0)
                                && jobs.stream().mapToLong(JobRunner::ownedKeyGroups).sum() == 16);
                Map<String, String> expected = new HashMap<>();
                long published = 0;
                for (int version = 1; version <= 2; version++) {
                    if (version == 2) {
                        List<Row> updates = new ArrayList<>();
                        for (int i = 0; i < 1_000; i++) {
                            updates.add(new Row("p" + i, "p" + i + "-v2", BASE + 10_000 + i));
                        }
                        publish(client, products, updates);
                        await("every instance to apply the updates", Duration.ofSeconds(60),
                                () -> readersCaughtUp(pulsar, products, 3));
                    }
                    long[] before = jobs.stream().mapToLong(JobRunner::processedRecords).toArray();
                    List<Row> batch = new ArrayList<>();
                    for (int i = 0; i < 3_000; i++) {
                        String product = "p" + random.nextInt(1_000);
                        String id = "o" + version + "-" + i;
                        batch.add(new Row(id, product, BASE + 20_000 * version + i));
                        expected.put(id, product + "=" + product + "-v" + version);
                    }
                    publish(client, orders, batch);
                    long upTo = published += batch.size();
                    await("batch " + version + " processed", Duration.ofSeconds(60),
                            () -> jobs.stream().mapToLong(JobRunner::processedRecords).sum() >= upTo);
                    for (int j = 0; j < jobs.size(); j++) {
                        assertTrue(jobs.get(j).processedRecords() > before[j], "instance " + j + " took part");
                    }
                }
                Map<String, String> results = new HashMap<>();
                for (Message<String> message : readAll(client, output, Schema.STRING, expected.size(),
                        Duration.ofSeconds(60))) {
                    results.put(message.getKey(), message.getValue());
                }
                assertExact(expected, results, "every order priced with the row as every instance held it");
            }
        }
    }

    /** Whether the topic has that many readers and none has anything left to read. */
    private static boolean readersCaughtUp(EmbeddedPulsar pulsar, String topic, int readers) {
        try {
            var subscriptions = pulsar.admin().topics().getStats(topic).getSubscriptions().values();
            return subscriptions.size() >= readers && subscriptions.stream().allMatch(s -> s.getMsgBacklog() == 0);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aTableReGroupedByANewKeyCountsItsRowsExactlyThroughTheRepartitionTopic(EmbeddedPulsar pulsar)
            throws Exception {
        String users = unique("users");
        String output = unique("per-region");
        pulsar.admin().topics().createPartitionedTopic(users, 4);
        StreamBuilder builder = new StreamBuilder();
        builder.table(users, Schema.STRING)
                .groupBy((user, region) -> dev.tributary.dsl.KeyValue.pair(region, user),
                        dev.tributary.dsl.Grouped.with(Schema.STRING, Schema.STRING))
                .count().toStream().to(output, Schema.INT64);
        Random random = new Random(12);
        List<Row> changes = new ArrayList<>();
        Map<String, String> table = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            String user = "u" + random.nextInt(2_000);
            String region = random.nextInt(6) == 0 ? null : "r" + random.nextInt(50);
            changes.add(new Row(user, region, BASE + i));
            table.put(user, region);
        }
        Map<String, String> expected = new HashMap<>();
        table.values().stream().filter(java.util.Objects::nonNull)
                .forEach(region -> expected.merge(region, "1", (a, b) -> Long.toString(Long.parseLong(a) + 1)));
        try (PulsarClient client = pulsar.newClient()) {
            publish(client, users, changes);
            try (JobRunner job = new JobRunner(builder.build(), settings(pulsar, unique("regroup"), "one")).start()) {
                // How many changes reach the repartition topic depends on the commits (a table emits once per
                // changed key and commit): wait for the counts themselves.
                await("the counts to match the table", Duration.ofSeconds(120),
                        () -> expected.equals(counts(client, output)));
            }
            assertExact(expected, counts(client, output), "users per region");
        }
    }

    /** The last count per region on the topic, regions at zero left out. */
    private static Map<String, String> counts(PulsarClient client, String topic) {
        Map<String, String> counts = new HashMap<>();
        try (org.apache.pulsar.client.api.Reader<Long> reader = client.newReader(Schema.INT64).topic(topic)
                .startMessageId(org.apache.pulsar.client.api.MessageId.earliest).create()) {
            while (reader.hasMessageAvailable()) {
                Message<Long> change = reader.readNext(10, TimeUnit.SECONDS);
                if (change == null) {
                    break;
                }
                counts.put(change.getKey(), Long.toString(change.getValue()));
            }
        } catch (Exception e) {
            return Map.of();
        }
        counts.values().removeIf("0"::equals);
        return counts;
    }
}
