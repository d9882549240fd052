package dev.tributary.bench.jmh;

import dev.tributary.bench.Bench;
import org.apache.pulsar.client.api.Schema;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/** Encoding and decoding the values of B1 (a string) and B2 (a JSON object) with Pulsar's schemas. */
public class SerdeBenchmark extends HotPathBenchmark {
    private final Schema<String> strings = Schema.STRING;
    private final Schema<Bench.Order> orders = Schema.JSON(Bench.Order.class);
    private String text;
    private byte[] textBytes;
    private Bench.Order order;
    private byte[] orderBytes;

    @Setup
    public void setUp() {
        text = "x".repeat(96);
        textBytes = strings.encode(text);
        order = new Bench.Order();
        order.id = 42;
        order.user = "key-4711";
        order.amount = 12.5;
        order.country = "de";
        order.note = "n";
        orderBytes = orders.encode(order);
    }

    @Benchmark
    public byte[] encodeString() {
        return strings.encode(text);
    }

    @Benchmark
    public String decodeString() {
        return strings.decode(textBytes);
    }

    @Benchmark
    public byte[] encodeJson() {
        return orders.encode(order);
    }

    @Benchmark
    public Bench.Order decodeJson() {
        return orders.decode(orderBytes);
    }
}
