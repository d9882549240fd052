package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/** An example the launcher can run: its topology, and for the demo mode its sample data. */
interface ExampleJob {
    String name();

    String description();

    String defaultInput();

    String defaultOutput();

    Topology topology(String input, String output, LauncherArgs args);

    /** Publishes sample input for the demo; returns how many records it published. */
    int feed(PulsarClient client, String input, int records, LauncherArgs args) throws Exception;

    /** How to read the output topic for the demo's summary. */
    Schema<?> outputSchema(LauncherArgs args);

    /** A line summarizing the demo's outputs, printed after the samples. */
    String summarize(java.util.List<? extends org.apache.pulsar.client.api.Message<?>> outputs, int inputs);
}
