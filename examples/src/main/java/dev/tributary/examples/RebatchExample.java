package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import dev.tributary.examples.rebatch.Rebatch;
import dev.tributary.runtime.SchemaSpecs;
import dev.tributary.runtime.launcher.CommandLine;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

final class RebatchExample implements ExampleJob {
    @Override
    public String name() {
        return "rebatch";
    }

    @Override
    public String description() {
        return "copies a topic into one batched by key group (--value-schema string|bytes|json:<class>|avro:<class>)";
    }

    @Override
    public String defaultInput() {
        return "events";
    }

    @Override
    public String defaultOutput() {
        return "events-by-key-group";
    }

    @Override
    public Topology topology(String input, String output, CommandLine args) {
        return Rebatch.topology(input, output, outputSchema(args));
    }

    @Override
    public int feed(PulsarClient client, String input, int records, CommandLine args) throws Exception {
        // Pulsar's default batcher: batches mix keys, which is what this job repairs.
        try (Producer<byte[]> producer = client.newProducer(Schema.BYTES).topic(input)
                .blockIfQueueFull(true).create()) {
            for (int i = 0; i < records; i++) {
                producer.newMessage().key("device-" + (i % 500))
                        .value(("reading " + i).getBytes(StandardCharsets.UTF_8)).sendAsync();
            }
            producer.flush();
        }
        return records;
    }

    @Override
    public Schema<?> outputSchema(CommandLine args) {
        return SchemaSpecs.parse("--value-schema", args.get("value-schema", "bytes"));
    }

    @Override
    public String summarize(List<? extends Message<?>> outputs, int inputs) {
        Set<String> entries = new HashSet<>();
        for (Message<?> message : outputs) {
            String[] id = message.getMessageId().toString().split(":");
            entries.add(id[0] + ":" + id[1]);
        }
        return inputs + " records in, " + outputs.size() + " out, in " + entries.size()
                + " broker entries, each holding one key group";
    }
}
