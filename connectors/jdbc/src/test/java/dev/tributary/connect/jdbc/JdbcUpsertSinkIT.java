package dev.tributary.connect.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.DeadLetterProperties;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.testkit.pulsar.Await;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PulsarExtension.class)
class JdbcUpsertSinkIT {
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    /** An order as it travels through the topic. */
    public static final class Order {
        public String id;
        public String customer;
        public long totalAmount;

        public Order() {
        }

        Order(String id, String customer, long totalAmount) {
            this.id = id;
            this.customer = customer;
            this.totalAmount = totalAmount;
        }
    }

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void sql(EmbeddedPostgres pg, String statement) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static Map<String, String> rows(EmbeddedPostgres pg, String table) throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, customer, total_amount FROM " + table)) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2) + ":" + rs.getLong(3));
            }
        }
        return rows;
    }

    private static Configuration config(EmbeddedPulsar pulsar, String app, EmbeddedPostgres pg, String table) {
        return Configuration.of(pulsar.jobSettings(app))
                .with("connector.db.type", "jdbc")
                .with("connector.db.url", pg.getJdbcUrl("postgres", "postgres"))
                .with("connector.db.user", "postgres")
                .with("connector.db.table", table)
                .with("connector.db.key-columns", "id")
                .with("connector.db.batch-size", "100");
    }

    private static StreamBuilder topology(String topic) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(topic, Schema.JSON(Order.class)).sink("db");
        return builder;
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, timeout, condition);
    }

    private static double sinkRecords(JobRunner job) {
        return job.meterRegistry().get("tributary.sink.records").counter().count();
    }

    @Test
    void upsertsAreIdempotentUnderRedeliveryAndTombstonesDelete(EmbeddedPulsar pulsar) throws Exception {
        String table = unique("orders");
        sql(postgres, "CREATE TABLE " + table + " (id text PRIMARY KEY, customer text, total_amount bigint)");
        String topic = "persistent://public/default/" + unique("orders");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        Map<String, String> expected = new TreeMap<>();
        try (PulsarClient client = pulsar.newClient();
             Producer<Order> producer = client.newProducer(Schema.JSON(Order.class)).topic(topic)
                     .blockIfQueueFull(true).create()) {
            Sends sends = new Sends();
            for (int i = 0; i < 2000; i++) {
                String id = "o" + (i % 200);
                sends.add(producer.newMessage().key(id).value(new Order(id, "c" + (i % 7), i)).sendAsync());
                expected.put(id, "c" + (i % 7) + ":" + i);
            }
            for (int i = 0; i < 20; i++) {
                sends.add(producer.newMessage().key("o" + i).value(null).sendAsync());
                expected.remove("o" + i);
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
        }
        String app = unique("upsert");
        // No commit until the end: the first run writes everything and acknowledges nothing, like a crash would.
        Configuration noCommits = config(pulsar, app, postgres, table)
                .with(RuntimeOptions.COMMIT_INTERVAL, Duration.ofHours(1))
                .with(RuntimeOptions.COMMIT_MAX_RECORDS, 1_000_000)
                .with("connector.db.batch-size", "20");
        JobRunner first = new JobRunner(topology(topic).build(), noCommits).start();
        await("the first run to write every record", Duration.ofSeconds(60), () -> sinkRecords(first) >= 2020);
        first.abort();
        assertEquals(expected, rows(postgres, table));
        try (JobRunner second = new JobRunner(topology(topic).build(), config(pulsar, app, postgres, table)).start()) {
            await("the redelivered records", Duration.ofSeconds(60), () -> sinkRecords(second) >= 2020);
            assertTrue(second.processedRecords() >= 2020, "everything came again: " + second.processedRecords());
        }
        assertEquals(expected, rows(postgres, table), "the same table after writing every record twice");
    }

    @Test
    void nothingIsLostWhileTheDatabaseIsDownAndTheJobReportsIt(EmbeddedPulsar pulsar) throws Exception {
        Path data = dir.resolve("pg");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
        int port = pg.getPort();
        String table = unique("orders");
        sql(pg, "CREATE TABLE " + table + " (id text PRIMARY KEY, customer text, total_amount bigint)");
        String topic = "persistent://public/default/" + unique("orders");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        String app = unique("outage");
        try (PulsarClient client = pulsar.newClient();
             Producer<Order> producer = client.newProducer(Schema.JSON(Order.class)).topic(topic)
                     .blockIfQueueFull(true).create();
             JobRunner job = new JobRunner(topology(topic).build(), config(pulsar, app, pg, table)
                     .with("connector.db.connect-timeout", "500ms")
                     .with("connector.db.retry.max-delay", "200ms")).start()) {
            for (int i = 0; i < 500; i++) {
                producer.send(new Order("a" + i, "first", i));
            }
            await("the first half", Duration.ofSeconds(30), () -> sinkRecords(job) >= 500);
            pg.close();
            Sends sends = new Sends();
            for (int i = 0; i < 500; i++) {
                sends.add(producer.newMessage().key("b" + i).value(new Order("b" + i, "second", i)).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
            await("the sink to report the database unavailable", Duration.ofSeconds(30),
                    () -> job.meterRegistry().get("tributary.sink.unavailable").gauge().value() == 1.0);
            // Down long enough for several writes of the batch to fail, so the retry itself is exercised.
            await("three failed writes during the outage", Duration.ofSeconds(30), () -> job.meterRegistry()
                    .get("tributary.sink.write.failures").tag("kind", "unavailable").counter().count() >= 3);
            pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
            await("the second half after the database is back", Duration.ofSeconds(60), () -> sinkRecords(job) >= 1000);
            assertEquals(0.0, job.meterRegistry().get("tributary.sink.unavailable").gauge().value());
            Map<String, String> rows = rows(pg, table);
            assertEquals(1000, rows.size());
            for (int i = 0; i < 500; i++) {
                assertEquals("first:" + i, rows.get("a" + i));
                assertEquals("second:" + i, rows.get("b" + i));
            }
        } finally {
            pg.close();
        }
    }

    @Test
    void aRowTheDatabaseRefusesGoesToTheDeadLetterTopicAndTheRestIsWritten(EmbeddedPulsar pulsar) throws Exception {
        String table = unique("orders");
        sql(postgres, "CREATE TABLE " + table
                + " (id text PRIMARY KEY, customer text NOT NULL, total_amount bigint CHECK (total_amount >= 0))");
        String topic = "persistent://public/default/" + unique("orders");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        String app = unique("refused");
        try (PulsarClient client = pulsar.newClient();
             Producer<Order> producer = client.newProducer(Schema.JSON(Order.class)).topic(topic)
                     .blockIfQueueFull(true).create();
             Consumer<byte[]> dead = client.newConsumer(Schema.BYTES).topic(topic + "-" + app + "-DLQ")
                     .subscriptionName("check").subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                     .subscribe();
             JobRunner job = new JobRunner(topology(topic).build(), config(pulsar, app, postgres, table)
                     .with(RuntimeOptions.RETRY_ATTEMPTS, 1)).start()) {
            Sends sends = new Sends();
            for (int i = 0; i < 100; i++) {
                sends.add(producer.newMessage().key("r" + i)
                        .value(new Order("r" + i, "c", i == 42 ? -5 : i)).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
            Message<byte[]> letter = dead.receive(30, TimeUnit.SECONDS);
            assertTrue(letter != null, "the refused row is dead-lettered");
            assertEquals("r42", letter.getKey());
            assertTrue(letter.getProperty(DeadLetterProperties.EXCEPTION_MESSAGE).contains("check constraint"),
                    letter.getProperty(DeadLetterProperties.EXCEPTION_MESSAGE));
            await("the other rows", Duration.ofSeconds(30), () -> {
                try {
                    return rows(postgres, table).size() == 99;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    void aMissingTableOrAKeyWithoutUniqueIndexStopsTheStartNamingTheSetting(EmbeddedPulsar pulsar) throws Exception {
        String topic = "persistent://public/default/" + unique("orders");
        pulsar.admin().topics().createNonPartitionedTopic(topic);
        JobStartException missing = assertThrows(JobStartException.class, () -> new JobRunner(topology(topic).build(),
                config(pulsar, unique("bad"), postgres, "no_such_table")).start());
        assertTrue(missing.getMessage().contains("table 'no_such_table' (connector.db.table) does not exist"),
                missing.getMessage());
        String table = unique("loose");
        sql(postgres, "CREATE TABLE " + table + " (id text, customer text, total_amount bigint)");
        JobStartException loose = assertThrows(JobStartException.class, () -> new JobRunner(topology(topic).build(),
                config(pulsar, unique("bad"), postgres, table)).start());
        assertTrue(loose.getMessage().contains("connector.db.key-columns must be the columns of a primary key"),
                loose.getMessage());
        var typo = assertThrows(dev.tributary.dsl.config.ConfigException.class, () -> new JobRunner(
                topology(topic).build(), config(pulsar, unique("bad"), postgres, table).with("connector.db.tabel", "x")));
        assertTrue(typo.getMessage().contains("did you mean 'connector.db.table'"), typo.getMessage());
    }
}
