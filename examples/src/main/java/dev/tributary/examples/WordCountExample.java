package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import dev.tributary.examples.wordcount.WordCount;
import dev.tributary.runtime.launcher.CommandLine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

final class WordCountExample implements ExampleJob {
    private static final String[] LINES = {
        "the quick brown fox jumps over the lazy dog",
        "a stream is a table in motion and a table is a stream at rest",
        "every key group has one owner at a time",
        "the broker is the fence",
        "state lives in rocksdb and survives in the changelog",
    };
    private final Map<String, Long> expected = new HashMap<>();

    @Override
    public String name() {
        return "word-count";
    }

    @Override
    public String description() {
        return "counts words in text lines (stateful: repartition by word, RocksDB store, changelog)";
    }

    @Override
    public String defaultInput() {
        return "lines";
    }

    @Override
    public String defaultOutput() {
        return "word-counts";
    }

    @Override
    public Topology topology(String input, String output, CommandLine args) {
        return WordCount.topology(input, output);
    }

    @Override
    public int feed(PulsarClient client, String input, int records, CommandLine args) throws Exception {
        Random random = new Random(7);
        expected.clear();
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(input)
                .blockIfQueueFull(true).create()) {
            for (int i = 0; i < records; i++) {
                String line = LINES[random.nextInt(LINES.length)];
                producer.newMessage().key("line-" + i).value(line).sendAsync();
                WordCount.words(line).forEach(word -> expected.merge(word, 1L, Long::sum));
            }
            producer.flush();
        }
        return records;
    }

    @Override
    public Schema<?> outputSchema(CommandLine args) {
        return Schema.INT64;
    }

    @Override
    public String summarize(List<? extends Message<?>> outputs, int inputs) {
        Map<String, Long> latest = new HashMap<>();
        outputs.forEach(m -> latest.put(m.getKey(), (Long) m.getValue()));
        String top = latest.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        return inputs + " lines in, " + outputs.size() + " count updates out, " + latest.size() + " distinct words;"
                + " top: " + top + "\nfinal counts " + (latest.equals(expected) ? "match" : "DO NOT match")
                + " the words published";
    }
}
