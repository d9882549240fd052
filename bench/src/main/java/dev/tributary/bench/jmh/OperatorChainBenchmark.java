package dev.tributary.bench.jmh;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.compile.CompileContext;
import dev.tributary.runtime.internal.compile.CompiledTopology;
import dev.tributary.runtime.internal.compile.TopologyCompiler;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.core.RecordCollector;
import dev.tributary.runtime.internal.core.SinkTarget;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.runtime.internal.translate.DefaultTranslators;
import dev.tributary.state.Stores;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One record through compiled operators, as the processing loop calls them after decoding: a
 * stateless chain (filter, mapValues, sink) and a count per key over 10,000 keys in an in-memory
 * store behind the write-back cache. Sink writes go to a collector that only consumes them.
 */
public class OperatorChainBenchmark extends HotPathBenchmark {
    private TaskCore stateless;
    private Processor statelessSource;
    private TaskCore counting;
    private Processor countingSource;
    private List<Record<Object, Object>> records;
    private int next;
    private Blackhole sunk;

    /** Consumes what sinks write. */
    private final class Sunk implements RecordCollector {
        @Override
        public void send(String topic, SinkTarget target, Record<Object, Object> record) {
            sunk.consume(record);
        }

        @Override
        public void sink(String connector, Record<Object, Object> record) {
            sunk.consume(record);
        }

        @Override
        public void flush() {
        }
    }

    @Setup
    public void setUp(Blackhole blackhole) {
        sunk = blackhole;
        KeyGroups keyGroups = new KeyGroups(64);
        CompileContext context = new CompileContext(keyGroups, "jmh", "public/default");
        StreamBuilder chain = new StreamBuilder();
        chain.stream("in", Schema.STRING).filter((k, v) -> v.length() > 3).mapValues(v -> v.substring(1))
                .to("out", Produced.with(Schema.STRING, Schema.STRING));
        CompiledTopology compiled = new TopologyCompiler(DefaultTranslators.registry()).compile(chain.build(), context);
        stateless = compiled.instantiate(new Sunk(), new TaskState(java.util.List.of(), keyGroups, keyGroups.all(),
                spec -> null, null, 1, false));
        statelessSource = stateless.source(compiled.sources().get(0).name());

        StreamBuilder count = new StreamBuilder();
        count.stream("in", Schema.STRING).groupByKey().count().toStream()
                .to("out", Produced.with(Schema.STRING, Schema.INT64));
        var topology = count.build();
        CompiledTopology countCompiled = new TopologyCompiler(DefaultTranslators.registry()).compile(topology, context);
        counting = countCompiled.instantiate(new Sunk(), new TaskState(topology.stores(), keyGroups, keyGroups.all(),
                spec -> Stores.inMemory(spec.name()), null, 10_000, false));
        countingSource = counting.source(countCompiled.sources().get(0).name());

        java.util.Random random = new java.util.Random(42);
        records = new java.util.ArrayList<>(4096);
        for (int i = 0; i < 4096; i++) {
            records.add(new Record<>("key-" + random.nextInt(10_000), "x".repeat(96), 1L, Map.of()));
        }
    }

    @Benchmark
    public void statelessChain() {
        stateless.process(statelessSource, records.get(next++ & 4095));
    }

    @Benchmark
    public void countPerKey() {
        counting.process(countingSource, records.get(next++ & 4095));
        if ((next & 1023) == 0) {
            // A commit's cache flush every 1,024 records, as at commit.max.records-sized commits.
            counting.flushState();
        }
    }

    @TearDown
    public void tearDown() {
        stateless.close();
        counting.close();
    }
}
