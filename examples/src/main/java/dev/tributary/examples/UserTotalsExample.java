package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import dev.tributary.examples.totals.Purchase;
import dev.tributary.examples.totals.UserTotal;
import dev.tributary.examples.totals.UserTotals;
import dev.tributary.runtime.launcher.CommandLine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

final class UserTotalsExample implements ExampleJob {
    private final Map<String, Long> expectedPurchases = new HashMap<>();

    @Override
    public String name() {
        return "user-totals";
    }

    @Override
    public String description() {
        return "keeps a running total per user (Avro purchases in, Avro totals out)";
    }

    @Override
    public String defaultInput() {
        return "purchases";
    }

    @Override
    public String defaultOutput() {
        return "user-totals";
    }

    @Override
    public Topology topology(String input, String output, CommandLine args) {
        return UserTotals.topology(input, output);
    }

    @Override
    public int feed(PulsarClient client, String input, int records, CommandLine args) throws Exception {
        Random random = new Random(11);
        String[] items = {"book", "lamp", "mug", "chair", "pen"};
        expectedPurchases.clear();
        try (Producer<Purchase> producer = client.newProducer(Schema.AVRO(Purchase.class)).topic(input)
                .blockIfQueueFull(true).create()) {
            for (int i = 0; i < records; i++) {
                String user = "user-" + random.nextInt(50);
                producer.newMessage().key(user).value(new Purchase(user, items[random.nextInt(items.length)],
                        1 + random.nextInt(10_000) / 100.0)).sendAsync();
                expectedPurchases.merge(user, 1L, Long::sum);
            }
            producer.flush();
        }
        return records;
    }

    @Override
    public Schema<?> outputSchema(CommandLine args) {
        return Schema.AVRO(UserTotal.class);
    }

    @Override
    public String summarize(List<? extends Message<?>> outputs, int inputs) {
        Map<String, Long> purchases = new HashMap<>();
        outputs.forEach(m -> purchases.put(m.getKey(), ((UserTotal) m.getValue()).purchases));
        return inputs + " purchases in, " + outputs.size() + " total updates out for " + purchases.size() + " users;"
                + " purchase counts " + (purchases.equals(expectedPurchases) ? "match" : "DO NOT match") + " the input";
    }
}
