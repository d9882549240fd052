package dev.tributary.bench;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.config.Configuration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * B5's data and its hand-written baseline: a stream left-joined with a table of 100,000 keys. The
 * table's rows come first in event time, then the stream's records, keyed uniformly over the table's
 * keys. The raw loop loads the table into RocksDB from its own Key_Shared subscription, then reads the
 * stream with one RocksDB lookup per record and sends {@code value/row}; it commits as the other raw
 * loops do. Both are timed over the stream only, once the table is loaded.
 */
final class StreamTableJoins {
    static final int TABLE_KEYS = 100_000;
    private static final long COMMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long BASE = 1_700_000_000_000L;

    private StreamTableJoins() {
    }

    /** B5: a stream-table left join over 100,000 table keys, against the raw loop doing it by hand. */
    static List<Result> scenario(Bench bench, BenchBroker pulsar, long records, Path work) throws Exception {
        String table = bench.topic("table");
        String stream = bench.topic("stream");
        // Short runs (the harness's smoke test) get a table of half their records.
        int keys = (int) Math.min(TABLE_KEYS, Math.max(1, records / 2));
        try (PulsarClient client = pulsar.newClient()) {
            publish(client, table, keys, stream, records);
        }
        String scenario = "B5 stream-table join, " + String.format(Locale.ROOT, "%,d", keys) + " table keys";
        List<Result> results = new ArrayList<>();
        results.add(Bench.baseline(rawLoop(scenario, pulsar.serviceUrl(), table, stream, bench.topic("out"),
                Files.createDirectories(work.resolve("raw-b5-" + System.nanoTime())), keys, records)));
        StreamBuilder builder = new StreamBuilder();
        Table<String, String> rows = builder.table(table, Schema.STRING);
        builder.stream(stream, Schema.STRING).leftJoin(rows, (value, row) -> value + "/" + row)
                .to(bench.topic("out"), Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.DEFAULT));
        results.add(bench.tributary(scenario, "Tributary, leftJoin", builder.build(), Configuration.empty(), keys,
                records, job -> { }));
        return results;
    }

    private static String value(Random random) {
        char[] pad = new char[90];
        Arrays.fill(pad, (char) ('a' + random.nextInt(26)));
        return new String(pad);
    }

    /** The table's rows of about 100 bytes, then {@code records} stream records over their keys. */
    static void publish(PulsarClient client, String table, int keys, String stream, long records) throws Exception {
        Random random = new Random(42);
        long time = BASE;
        try (Producer<String> rows = client.newProducer(Schema.STRING).topic(table).blockIfQueueFull(true).create()) {
            for (int i = 0; i < keys; i++) {
                rows.newMessage().key("key-" + i).value("row-" + i + "-" + value(random)).eventTime(time++).sendAsync();
            }
            rows.flush();
        }
        try (Producer<String> events = client.newProducer(Schema.STRING).topic(stream).blockIfQueueFull(true).create()) {
            for (long i = 0; i < records; i++) {
                events.newMessage().key("key-" + random.nextInt(keys)).value(value(random)).eventTime(time++)
                        .sendAsync();
            }
            events.flush();
        }
    }

    static Result rawLoop(String scenario, String serviceUrl, String table, String stream, String output,
                          Path directory, int keys, long records) throws Exception {
        RocksDB.loadLibrary();
        Cpu cpu = new Cpu(name -> name.equals(Thread.currentThread().getName()) || name.startsWith("pulsar-client"));
        try (PulsarClient client = PulsarClient.builder().serviceUrl(serviceUrl).build();
             Options options = new Options().setCreateIfMissing(true);
             RocksDB db = RocksDB.open(options, directory.toString());
             WriteOptions writes = new WriteOptions().setDisableWAL(true)) {
            try (Consumer<String> rows = subscribe(client, table)) {
                List<MessageId> loaded = new ArrayList<>();
                for (int i = 0; i < keys; i++) {
                    Message<String> row = rows.receive();
                    db.put(writes, row.getKey().getBytes(StandardCharsets.UTF_8),
                            row.getValue().getBytes(StandardCharsets.UTF_8));
                    loaded.add(row.getMessageId());
                    if (loaded.size() == 10_000 || i == keys - 1) {
                        // The broker stops dispatching to a consumer with 50,000 unacknowledged messages.
                        rows.acknowledge(loaded);
                        loaded = new ArrayList<>();
                    }
                }
            }
            long cpuBefore = cpu.nanos();
            try (Consumer<String> consumer = subscribe(client, stream);
                 Producer<String> producer = client.newProducer(Schema.STRING).topic(output).enableBatching(true)
                         .batcherBuilder(BatcherBuilder.DEFAULT).blockIfQueueFull(true)
                         .batchingMaxPublishDelay(100, TimeUnit.MILLISECONDS).create()) {
                long began = System.nanoTime();
                long nextCommit = began + COMMIT_NANOS;
                long done = 0;
                List<MessageId> processed = new ArrayList<>();
                CompletableFuture<MessageId> last = null;
                while (done < records) {
                    Message<String> message = consumer.receive(10, TimeUnit.MILLISECONDS);
                    if (message != null) {
                        byte[] row = db.get(message.getKey().getBytes(StandardCharsets.UTF_8));
                        String joined = message.getValue() + "/"
                                + (row == null ? null : new String(row, StandardCharsets.UTF_8));
                        last = producer.newMessage().key(message.getKey()).value(joined)
                                .eventTime(message.getEventTime()).sendAsync();
                        processed.add(message.getMessageId());
                        done++;
                    }
                    if (System.nanoTime() >= nextCommit || done == records) {
                        producer.flush();
                        if (last != null) {
                            last.get();
                            last = null;
                        }
                        if (!processed.isEmpty()) {
                            consumer.acknowledgeAsync(processed).get();
                        }
                        processed = new ArrayList<>();
                        nextCommit = System.nanoTime() + COMMIT_NANOS;
                        cpu.sample();
                    }
                }
                return new Result(scenario, "raw loop + RocksDB lookup per record", false, records,
                        System.nanoTime() - began, cpu.nanos() - cpuBefore);
            }
        }
    }

    private static Consumer<String> subscribe(PulsarClient client, String topic) throws Exception {
        return client.newConsumer(Schema.STRING).topic(topic).subscriptionName("raw-b5")
                .subscriptionType(SubscriptionType.Key_Shared)
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
    }
}
