package dev.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the harness from rotting: one short pass of every scenario completes and reports numbers. */
class BenchSmokeIT {
    @Test
    void everyScenarioCompletesAndReportsNumbers(@TempDir Path work) throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().dataDirectory(work.resolve("broker")).build().start()) {
            // Four key groups: a stateful job's start creates and restores a changelog partition per group,
            // which is most of this test's time and none of what it checks.
            Bench bench = new Bench(BenchBroker.embedded(pulsar), new PrintStream(text, true, StandardCharsets.UTF_8), 2_000, 1, work,
                    Configuration.empty().with(RuntimeOptions.KEY_GROUPS, 4));
            List<Result> results = bench.run(Set.of("B1", "B2", "B3", "B4", "B5", "B8", "B9", "B10"));
            bench.print(results);
            assertEquals(39, results.size(), text.toString(StandardCharsets.UTF_8));
            for (Result result : results) {
                if (result.scenario().equals("B10 query latency")) {
                    assertTrue(result.latency().samples() > 10, result.toString());
                    continue;
                }
                assertEquals(2_000, result.records());
                assertTrue(result.perSecond() > 0 && result.cpuNanos() > 0, result.toString());
            }
        }
        String table = text.toString(StandardCharsets.UTF_8);
        System.out.print(table);
        assertTrue(table.contains("records/s") && table.contains("B3 keyed count, 1,000,000 keys Zipf"), table);
        assertTrue(table.contains("B8 latency") && table.contains("p99.9"), table);
        assertTrue(table.contains("B4 tumbling window count") && table.contains("emit on-window-close"), table);
        assertTrue(table.contains("B5 stream-table join, 1,000 table keys") && table.contains("leftJoin"), table);
        assertTrue(table.contains("B9 exactly-once cost, keyed count") && table.contains("exactly-once, commit every 1 s"),
                table);
        assertTrue(table.contains("B10 keyed count + queries") && table.contains("forwarded to the key's owner"), table);
    }
}
