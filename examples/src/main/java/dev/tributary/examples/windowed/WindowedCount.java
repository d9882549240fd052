package dev.tributary.examples.windowed;

import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.Named;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.TimeWindows;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.state.Materialized;
import java.time.Duration;
import org.apache.pulsar.client.api.Schema;

/**
 * Counts records per key in tumbling windows of event time: records in (any string value, keyed),
 * {@code (key, {"start", "end", "count"})} out, keyed by the record key so that a key's windows stay in
 * its key group and in order. A record's time is its event time, else its publish time. Records for
 * windows that have closed go, unchanged, to the late-records topic.
 */
public final class WindowedCount {
    /** The JSON schema of the output values. */
    public static final Schema<WindowCount> OUTPUT_SCHEMA = Schema.JSON(WindowCount.class);

    private WindowedCount() {
    }

    /**
     * The topology.
     *
     * @param input the topic of keyed records
     * @param output the topic of window counts
     * @param window the windows' size
     * @param grace how long after a window's end records still count in it
     * @param emitFinal true to emit each window once when it closes, false to emit every update
     * @return the topology
     */
    public static Topology topology(String input, String output, Duration window, Duration grace, boolean emitFinal) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(window, grace))
                .emit(emitFinal ? EmitStrategy.onWindowClose() : EmitStrategy.onWindowUpdate())
                .count(Materialized.as("window-counts"))
                .toStream(Named.as("window-results"))
                .map((windowed, count) -> KeyValue.pair(windowed.key(),
                        new WindowCount(windowed.start(), windowed.end(), count)), Named.as("to-json"))
                .to(output, Produced.with(Schema.STRING, OUTPUT_SCHEMA).withName("window-count-output"));
        return builder.build();
    }
}
