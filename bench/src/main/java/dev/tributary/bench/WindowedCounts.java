package dev.tributary.bench;

import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.TimeWindows;
import dev.tributary.dsl.config.Configuration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * B4's data and its hand-written baseline: counts per key in tumbling 1-minute windows of event time,
 * with 10 s grace. The input's event times run in order, 3 ms apart, with 1% of the records moved back
 * by up to 5 s. The raw loop keeps counts in RocksDB under {@code window start | key} (time first, so a
 * closed window is one prefix scan and one range delete), follows stream time itself, and either sends
 * every new count or each window's count once when it closes, with the window's bounds in the same
 * message properties the job uses (a count is of no use without its window); commits as the other raw
 * loops do.
 */
final class WindowedCounts {
    static final long WINDOW_MS = 60_000;
    static final long GRACE_MS = 10_000;
    private static final long COMMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long BASE = 1_700_000_000_000L;
    /** The raw loop tells which window a count is of the way the job does, so both send the same. */
    private static final String WINDOW_START = dev.tributary.dsl.Windowed.START_PROPERTY;
    private static final String WINDOW_END = dev.tributary.dsl.Windowed.END_PROPERTY;

    private WindowedCounts() {
    }

    /**
     * B4: counts per key in tumbling 1-minute windows of event time (10,000 keys, 1% of records out of
     * order), emitted on every update and once on close, against the raw loop doing the same by hand.
     */
    static List<Result> scenario(Bench bench, BenchBroker pulsar, long records, Path work) throws Exception {
        String input = bench.topic("events");
        try (PulsarClient client = pulsar.newClient()) {
            publish(client, input, records);
        }
        List<Result> results = new ArrayList<>();
        String scenario = "B4 tumbling window count";
        results.add(Bench.baseline(rawLoop(scenario, "raw loop + RocksDB, emit on update", pulsar.serviceUrl(),
                input, bench.topic("out"), rocksDirectory(work), records, false)));
        results.add(rawLoop(scenario, "raw loop + RocksDB, emit on close", pulsar.serviceUrl(), input,
                bench.topic("out"), rocksDirectory(work), records, true));
        for (EmitStrategy emit : List.of(EmitStrategy.onWindowUpdate(), EmitStrategy.onWindowClose())) {
            StreamBuilder builder = new StreamBuilder();
            builder.stream(input, Schema.STRING).groupByKey()
                    .windowedBy(TimeWindows.ofSizeAndGrace(java.time.Duration.ofMillis(WINDOW_MS),
                            java.time.Duration.ofMillis(GRACE_MS)))
                    .emit(emit).count().toStream()
                    .to(bench.topic("out"), Produced.<dev.tributary.dsl.Windowed<String>, Long>with(Schema.INT64)
                            .withBatching(ProducerBatching.KEY_GROUP));
            long heapBefore = Bench.heapAfterGc();
            long[] heapWith = new long[1];
            Result result = bench.tributary(scenario, "Tributary, emit " + emit, builder.build(), Configuration.empty(),
                    job -> heapWith[0] = Bench.heapAfterGc());
            results.add(new Result(result.scenario(), result.variant(), false, result.records(), result.nanos(),
                    result.cpuNanos(), null, Math.max(0, heapWith[0] - heapBefore)));
        }
        return results;
    }

    private static Path rocksDirectory(Path work) throws java.io.IOException {
        return java.nio.file.Files.createDirectories(work.resolve("raw-b4-" + System.nanoTime()));
    }

    /** Publishes {@code records} values of about 100 bytes over 10,000 keys with B4's event times. */
    static void publish(PulsarClient client, String topic, long records) throws Exception {
        Random random = new Random(42);
        char[] pad = new char[96];
        Arrays.fill(pad, 'x');
        String value = new String(pad);
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).blockIfQueueFull(true)
                .create()) {
            for (long i = 0; i < records; i++) {
                long time = BASE + i * 3;
                if (random.nextInt(100) == 0) {
                    time -= random.nextInt(5_000);
                }
                producer.newMessage().key("key-" + random.nextInt(10_000)).value(value).eventTime(time).sendAsync();
            }
            producer.flush();
        }
    }

    static Result rawLoop(String scenario, String variant, String serviceUrl, String input, String output,
                          Path directory, long records, boolean emitFinal) throws Exception {
        RocksDB.loadLibrary();
        Cpu cpu = new Cpu(name -> name.equals(Thread.currentThread().getName()) || name.startsWith("pulsar-client"));
        try (PulsarClient client = PulsarClient.builder().serviceUrl(serviceUrl).build();
             Consumer<String> consumer = client.newConsumer(Schema.STRING).topic(input)
                     .subscriptionName("raw-b4-" + (emitFinal ? "final" : "update"))
                     .subscriptionType(SubscriptionType.Key_Shared)
                     .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
             Producer<Long> producer = client.newProducer(Schema.INT64).topic(output).enableBatching(true)
                     .batcherBuilder(BatcherBuilder.DEFAULT).blockIfQueueFull(true)
                     .batchingMaxPublishDelay(100, TimeUnit.MILLISECONDS).create();
             Options options = new Options().setCreateIfMissing(true);
             RocksDB db = RocksDB.open(options, directory.toString());
             WriteOptions writes = new WriteOptions().setDisableWAL(true)) {
            long began = System.nanoTime();
            long nextCommit = began + COMMIT_NANOS;
            long done = 0;
            long streamTime = -1;
            long nextClose = -1;
            List<MessageId> processed = new ArrayList<>();
            CompletableFuture<MessageId> last = null;
            while (done < records) {
                Message<String> message = consumer.receive(10, TimeUnit.MILLISECONDS);
                if (message != null) {
                    long time = message.getEventTime();
                    streamTime = Math.max(streamTime, time);
                    long start = time - time % WINDOW_MS;
                    if (start + WINDOW_MS + GRACE_MS > streamTime) {
                        byte[] key = message.getKey().getBytes(StandardCharsets.UTF_8);
                        byte[] entry = ByteBuffer.allocate(8 + key.length).putLong(start).put(key).array();
                        byte[] current = db.get(entry);
                        long count = (current == null ? 0 : ByteBuffer.wrap(current).getLong()) + 1;
                        db.put(writes, entry, ByteBuffer.allocate(8).putLong(count).array());
                        if (!emitFinal) {
                            last = producer.newMessage().key(message.getKey()).value(count).eventTime(time)
                                    .property(WINDOW_START, Long.toString(start))
                                    .property(WINDOW_END, Long.toString(start + WINDOW_MS)).sendAsync();
                        }
                    }
                    if (nextClose < 0) {
                        nextClose = start;
                    }
                    // Close every window whose end + grace stream time passed: send its counts, drop them.
                    while (nextClose + WINDOW_MS + GRACE_MS <= streamTime) {
                        byte[] from = ByteBuffer.allocate(8).putLong(nextClose).array();
                        byte[] to = ByteBuffer.allocate(8).putLong(nextClose + WINDOW_MS).array();
                        if (emitFinal) {
                            try (RocksIterator windows = db.newIterator()) {
                                for (windows.seek(from); windows.isValid()
                                        && Arrays.compareUnsigned(windows.key(), to) < 0; windows.next()) {
                                    byte[] entry = windows.key();
                                    last = producer.newMessage()
                                            .key(new String(entry, 8, entry.length - 8, StandardCharsets.UTF_8))
                                            .value(ByteBuffer.wrap(windows.value()).getLong())
                                            .property(WINDOW_START, Long.toString(nextClose))
                                            .property(WINDOW_END, Long.toString(nextClose + WINDOW_MS)).sendAsync();
                                }
                            }
                        }
                        db.deleteRange(writes, from, to);
                        nextClose += WINDOW_MS;
                    }
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
            return new Result(scenario, variant, false, records, System.nanoTime() - began, cpu.nanos());
        }
    }
}
