package dev.tributary.bench;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * The hand-written loops Tributary is measured against: what a careful user of the raw client would
 * write for the same at-least-once job. Consume on Key_Shared, produce, and every 100 ms flush the
 * producer, wait for its receipts and acknowledge what was processed with one list-ack.
 */
final class RawLoops {
    private static final long COMMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private RawLoops() {
    }

    /** What the loop does with one record: returns the value to write, or null to drop it. */
    interface Step<I, O> {
        O apply(String key, I value) throws Exception;
    }

    static <I, O> Result run(String scenario, String variant, String serviceUrl, String input, String output,
                             Schema<I> in, Schema<O> out, BatcherBuilder batcher, long records, Step<I, O> step)
            throws Exception {
        return run(scenario, variant, serviceUrl, input, output, in, out, batcher, 100, records, step);
    }

    /** @param publishDelayMillis how long the producer holds a batch open (100 for throughput, 1 for latency) */
    static <I, O> Result run(String scenario, String variant, String serviceUrl, String input, String output,
                             Schema<I> in, Schema<O> out, BatcherBuilder batcher, long publishDelayMillis, long records,
                             Step<I, O> step) throws Exception {
        Cpu cpu = new Cpu(name -> name.equals(Thread.currentThread().getName()) || name.startsWith("pulsar-client"));
        try (PulsarClient client = PulsarClient.builder().serviceUrl(serviceUrl).build();
             Consumer<I> consumer = client.newConsumer(in).topic(input).subscriptionName("raw-" + variant.replaceAll("[^A-Za-z0-9]+", "-"))
                     .subscriptionType(SubscriptionType.Key_Shared)
                     .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
             Producer<O> producer = client.newProducer(out).topic(output).enableBatching(true)
                     .batcherBuilder(batcher).blockIfQueueFull(true)
                     .batchingMaxPublishDelay(publishDelayMillis, TimeUnit.MILLISECONDS).create()) {
            long began = System.nanoTime();
            long nextCommit = began + COMMIT_NANOS;
            long done = 0;
            List<MessageId> processed = new ArrayList<>();
            CompletableFuture<MessageId> last = null;
            while (done < records) {
                Message<I> message = consumer.receive(10, TimeUnit.MILLISECONDS);
                if (message != null) {
                    O value = step.apply(message.getKey(), message.getValue());
                    if (value != null) {
                        last = producer.newMessage().key(message.getKey()).value(value)
                                .eventTime(message.getPublishTime()).sendAsync();
                    }
                    processed.add(message.getMessageId());
                    done++;
                }
                if (System.nanoTime() >= nextCommit || done == records) {
                    last = commit(producer, consumer, processed, last);
                    processed = new ArrayList<>();
                    nextCommit = System.nanoTime() + COMMIT_NANOS;
                    cpu.sample();
                }
            }
            long nanos = System.nanoTime() - began;
            return new Result(scenario, variant, false, records, nanos, cpu.nanos());
        }
    }

    private static <O> CompletableFuture<MessageId> commit(Producer<O> producer, Consumer<?> consumer,
                                                          List<MessageId> processed, CompletableFuture<MessageId> last)
            throws Exception {
        producer.flush();
        if (last != null) {
            last.get();
        }
        if (!processed.isEmpty()) {
            consumer.acknowledgeAsync(processed).get();
        }
        return null;
    }

    /**
     * Restores a changelog the raw way: one reader over every partition of the topic (the compacted
     * view), writing RocksDB in batches of 10,000 with the write-ahead log off.
     */
    static Result restore(String scenario, String variant, String serviceUrl, String changelog, Path directory)
            throws Exception {
        RocksDB.loadLibrary();
        Cpu cpu = new Cpu(name -> name.equals(Thread.currentThread().getName()) || name.startsWith("pulsar-client"));
        try (PulsarClient client = PulsarClient.builder().serviceUrl(serviceUrl).build();
             Options options = new Options().setCreateIfMissing(true);
             RocksDB db = RocksDB.open(options, directory.toString());
             WriteOptions writes = new WriteOptions().setDisableWAL(true);
             org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch()) {
            long began = System.nanoTime();
            long read = 0;
            try (org.apache.pulsar.client.api.Reader<byte[]> reader = client.newReader(Schema.BYTES).topic(changelog)
                    .startMessageId(MessageId.earliest).readCompacted(true).receiverQueueSize(5_000).create()) {
                while (reader.hasMessageAvailable()) {
                    Message<byte[]> message = reader.readNext(10, TimeUnit.SECONDS);
                    if (message == null) {
                        break;
                    }
                    batch.put(message.getKeyBytes(), message.getValue());
                    if (++read % 10_000 == 0) {
                        db.write(writes, batch);
                        batch.clear();
                        cpu.sample();
                    }
                }
            }
            db.write(writes, batch);
            long nanos = System.nanoTime() - began;
            return new Result(scenario, variant, false, read, nanos, cpu.nanos());
        }
    }

    /** A read-modify-write counter per key in RocksDB with the write-ahead log off, as a hand-written job would keep. */
    static final class Counts implements AutoCloseable {
        private final Options options;
        private final RocksDB db;
        private final WriteOptions writes;

        Counts(Path directory) throws Exception {
            RocksDB.loadLibrary();
            options = new Options().setCreateIfMissing(true);
            db = RocksDB.open(options, directory.toString());
            writes = new WriteOptions().setDisableWAL(true);
        }

        long increment(String key) throws Exception {
            byte[] k = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] current = db.get(k);
            long count = (current == null ? 0 : ByteBuffer.wrap(current).getLong()) + 1;
            db.put(writes, k, ByteBuffer.allocate(8).putLong(count).array());
            return count;
        }

        @Override
        public void close() {
            writes.close();
            db.close();
            options.close();
        }
    }
}
