package dev.tributary.examples.wordcount;

import dev.tributary.dsl.Grouped;
import dev.tributary.dsl.Named;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.state.Materialized;
import java.util.Arrays;
import java.util.Locale;
import org.apache.pulsar.client.api.Schema;

/**
 * Counts words: text lines in, (word, running count) out, keyed by the word. Lines are split into
 * words, re-keyed by word through a repartition topic (so each word's count lives with one owner),
 * and counted in a RocksDB store logged to a changelog topic.
 */
public final class WordCount {
    private WordCount() {
    }

    /**
     * The topology.
     *
     * @param input the topic of text lines
     * @param output the topic of (word, count) updates
     * @return the topology
     */
    public static Topology topology(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .flatMapValues(WordCount::words, Named.as("split-words"))
                .groupBy((line, word) -> word, Grouped.with(Schema.STRING, Schema.STRING).withName("by-word"))
                .count(Materialized.as("word-counts"))
                .toStream(Named.as("count-updates"))
                .to(output, Produced.with(Schema.STRING, Schema.INT64).withName("word-count-output"));
        return builder.build();
    }

    /** Lower-case words of a line, split on anything that is not a letter, digit or apostrophe. */
    public static java.util.List<String> words(String line) {
        return Arrays.stream(line.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}']+")).filter(w -> !w.isEmpty()).toList();
    }
}
