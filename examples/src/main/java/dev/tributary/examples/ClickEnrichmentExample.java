package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import dev.tributary.examples.clicks.Click;
import dev.tributary.examples.clicks.ClickEnrichment;
import dev.tributary.examples.clicks.EnrichedClick;
import dev.tributary.runtime.launcher.CommandLine;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

final class ClickEnrichmentExample implements ExampleJob {
    private static final String[] PAGES = {"/", "/shop/shoes", "/shop/cart", "/blog/pulsar-tips", "/help/returns",
        "/shop/checkout", "/account"};
    private static final String[] AGENTS = {"Mozilla/5.0 (Windows NT 10.0)", "Mozilla/5.0 (iPhone; Mobile)",
        "Mozilla/5.0 (Linux; Android 14)", "Googlebot/2.1", "Mozilla/5.0 (Macintosh)"};

    @Override
    public String name() {
        return "click-enrich";
    }

    @Override
    public String description() {
        return "drops bot clicks and enriches the rest (JSON in, Avro out, keyed by user)";
    }

    @Override
    public String defaultInput() {
        return "clicks";
    }

    @Override
    public String defaultOutput() {
        return "clicks-enriched";
    }

    @Override
    public Topology topology(String input, String output, CommandLine args) {
        return ClickEnrichment.topology(input, output);
    }

    @Override
    public int feed(PulsarClient client, String input, int records, CommandLine args) throws Exception {
        Random random = new Random(42);
        try (Producer<Click> producer = client.newProducer(Schema.JSON(Click.class)).topic(input)
                .blockIfQueueFull(true).create()) {
            for (int i = 0; i < records; i++) {
                String user = "user-" + random.nextInt(200);
                Click click = new Click(user, PAGES[random.nextInt(PAGES.length)], AGENTS[random.nextInt(AGENTS.length)],
                        random.nextInt(30_000));
                producer.newMessage().key(user).value(click).sendAsync();
            }
            producer.flush();
        }
        return records;
    }

    @Override
    public Schema<?> outputSchema(CommandLine args) {
        return Schema.AVRO(EnrichedClick.class);
    }

    @Override
    public String summarize(List<? extends Message<?>> outputs, int inputs) {
        Map<String, Integer> bySection = new TreeMap<>();
        int engaged = 0;
        for (Message<?> message : outputs) {
            EnrichedClick click = (EnrichedClick) message.getValue();
            bySection.merge(click.section, 1, Integer::sum);
            engaged += click.engaged ? 1 : 0;
        }
        return inputs + " clicks in, " + outputs.size() + " human clicks out (" + (inputs - outputs.size())
                + " bot clicks dropped); engaged: " + engaged + "; by section: " + bySection;
    }
}
