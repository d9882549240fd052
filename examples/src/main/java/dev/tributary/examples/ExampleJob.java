package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import dev.tributary.runtime.launcher.CommandLine;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/** An example the launcher can run: its topology, and for the demo mode its sample data. */
interface ExampleJob {
    String name();

    String description();

    String defaultInput();

    /** The option naming the input topic ({@code --input}, unless the example reads several). */
    default String inputOption() {
        return "input";
    }

    String defaultOutput();

    Topology topology(String input, String output, CommandLine args);

    /** Publishes sample input for the demo; returns how many records it published. */
    int feed(PulsarClient client, String input, int records, CommandLine args) throws Exception;

    /** How to read the output topic for the demo's summary. */
    Schema<?> outputSchema(CommandLine args);

    /** Settings the demo adds, unless set already. */
    default java.util.Map<dev.tributary.dsl.config.ConfigOption<?>, String> demoSettings(CommandLine args) {
        return java.util.Map.of();
    }

    /** How long the demo waits for more output once the job has processed everything. */
    default java.time.Duration demoSettle() {
        return java.time.Duration.ofSeconds(2);
    }

    /** A line summarizing the demo's outputs, printed after the samples. */
    String summarize(java.util.List<? extends org.apache.pulsar.client.api.Message<?>> outputs, int inputs);
}
