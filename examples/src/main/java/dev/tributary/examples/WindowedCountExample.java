package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.examples.windowed.WindowCount;
import dev.tributary.examples.windowed.WindowedCount;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.launcher.CommandLine;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/** windowed-count: records per key in tumbling windows of event time; see {@link WindowedCount}. */
final class WindowedCountExample implements ExampleJob {
    private static final ConfigOption<Duration> WINDOW = ConfigOption.key("window").durationType()
            .defaultValue(Duration.ofSeconds(10)).check(d -> d.toMillis() >= 1, "must be at least 1ms")
            .description("window size");
    private static final ConfigOption<Duration> GRACE = ConfigOption.key("grace").durationType()
            .defaultValue(Duration.ofSeconds(5)).check(d -> !d.isNegative(), "must not be negative")
            .description("grace period");

    private final Map<String, Long> expected = new HashMap<>();
    private int late;
    private long window;

    @Override
    public String name() {
        return "windowed-count";
    }

    @Override
    public String description() {
        return "counts records per key in tumbling windows of event time [--window 10s] [--grace 5s]"
                + " [--emit final|update] [--late-topic T]";
    }

    @Override
    public String defaultInput() {
        return "events";
    }

    @Override
    public String defaultOutput() {
        return "window-counts";
    }

    static Duration window(CommandLine args) {
        return parse(WINDOW, args.get("window", "10s"));
    }

    static Duration grace(CommandLine args) {
        return parse(GRACE, args.get("grace", "5s"));
    }

    static boolean emitFinal(CommandLine args) {
        String emit = args.get("emit", "final");
        if (!emit.equals("final") && !emit.equals("update")) {
            throw new ConfigException("emit", "--emit must be final or update, got '" + emit + "'");
        }
        return emit.equals("final");
    }

    private static Duration parse(ConfigOption<Duration> option, String text) {
        return option.parse(text);
    }

    @Override
    public Topology topology(String input, String output, CommandLine args) {
        return WindowedCount.topology(input, output, window(args), grace(args), emitFinal(args));
    }

    @Override
    public Map<ConfigOption<?>, String> demoSettings(CommandLine args) {
        // On the demo's quiet broker, the wall clock closes the last windows once no record comes.
        return Map.of(RuntimeOptions.IDLE_ADVANCE, "1s");
    }

    @Override
    public Duration demoSettle() {
        return Duration.ofSeconds(5);
    }

    @Override
    public int feed(PulsarClient client, String input, int records, CommandLine args) throws Exception {
        Random random = new Random(11);
        expected.clear();
        late = 0;
        window = window(args).toMillis();
        long grace = grace(args).toMillis();
        long spacing = 50;
        // Event times end well in the past, so that every window can close on the demo's clock.
        long first = System.currentTimeMillis() - records * spacing - 30_000 - 2 * (window + grace);
        Map<String, Long> latestOfKey = new HashMap<>();
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true)
                .create()) {
            for (int i = 0; i < records; i++) {
                String key = "user-" + random.nextInt(20);
                long time = first + i * spacing - random.nextInt((int) Math.max(1, Math.min(grace, 2_000)));
                if (i % 50 == 49 && latestOfKey.containsKey(key)) {
                    // A record far behind its key's latest: its window has closed.
                    time = latestOfKey.get(key) - window - grace - 1_000;
                    late++;
                } else {
                    expected.merge(key + "@" + (time - time % window), 1L, Long::sum);
                    latestOfKey.merge(key, time, Math::max);
                }
                producer.newMessage().key(key).value("event-" + i).eventTime(time).sendAsync();
            }
            producer.flush();
        }
        return records;
    }

    @Override
    public Schema<?> outputSchema(CommandLine args) {
        return WindowedCount.OUTPUT_SCHEMA;
    }

    @Override
    public String summarize(List<? extends Message<?>> outputs, int inputs) {
        Map<String, Long> latest = new HashMap<>();
        for (Message<?> message : outputs) {
            WindowCount count = (WindowCount) message.getValue();
            latest.put(message.getKey() + "@" + count.start, count.count);
        }
        return inputs + " records in (" + late + " of them late), " + outputs.size() + " window results out, "
                + latest.size() + " windows of " + window + " ms\nwindow counts "
                + (latest.equals(expected) ? "match" : "DO NOT match") + " the records published; the " + late
                + " late records went to the late-records topic";
    }
}
