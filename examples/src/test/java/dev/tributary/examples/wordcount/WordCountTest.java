package dev.tributary.examples.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.dsl.KeyValue;
import dev.tributary.testkit.TestInputTopic;
import dev.tributary.testkit.TopologyTestDriver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class WordCountTest {
    @Test
    void emitsARunningCountPerWordKeyedByTheWord() {
        try (TopologyTestDriver driver = new TopologyTestDriver(WordCount.topology("lines", "counts"))) {
            TestInputTopic<String, String> lines = driver.createInputTopic("lines", Schema.STRING);
            var counts = driver.createOutputTopic("counts", Schema.STRING, Schema.INT64);
            lines.pipeInput("1", "The cat, the hat.");
            // One commit per piped record: the record cache emits each changed word once, with its latest count.
            List<KeyValue<String, Long>> first = counts.readKeyValuesToList();
            assertEquals(3, first.size());
            assertEquals(Map.of("the", 2L, "cat", 1L, "hat", 1L), toMap(first));
            lines.pipeInput("2", "Don't stop the cat");
            List<KeyValue<String, Long>> updates = new java.util.ArrayList<>(first);
            updates.addAll(counts.readKeyValuesToList());
            Map<String, Long> latest = new HashMap<>();
            updates.forEach(kv -> latest.put(kv.key(), kv.value()));
            assertEquals(Map.of("the", 3L, "cat", 2L, "hat", 1L, "don't", 1L, "stop", 1L), latest);
            assertEquals(3L, driver.<String, Long>getKeyValueStore("word-counts").get("the"));
        }
    }

    private static Map<String, Long> toMap(List<KeyValue<String, Long>> pairs) {
        Map<String, Long> map = new HashMap<>();
        pairs.forEach(kv -> map.put(kv.key(), kv.value()));
        return map;
    }
}
