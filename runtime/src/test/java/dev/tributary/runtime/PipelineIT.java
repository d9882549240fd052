package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;

import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.ProducerBatching;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PulsarExtension.class)
class PipelineIT {

    @Test
    void tenThousandKeyedRecordsFlowThroughAMultiOperatorPipelineInKeyOrder(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("orders");
        String output = unique("orders-out");
        String app = unique("pipeline");
        createTopic(pulsar, input);
        int keys = 500;
        int records = 10_000;

        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .filter((k, v) -> !v.endsWith("skip"))
                .mapValues(v -> v.toUpperCase())
                .flatMapValues(v -> List.of(v, v + "-COPY"))
                .filterNot((k, v) -> v.endsWith("-COPY") && !v.contains("-7-"))
                .map((k, v) -> KeyValue.pair(k, k + ":" + v))
                .to(output, Produced.with(Schema.STRING, Schema.STRING).withBatching(ProducerBatching.KEY_GROUP));

        Map<String, List<String>> expected = new HashMap<>();
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true)
                     .create()) {
            Sends sends = new Sends();
            for (int i = 0; i < records; i++) {
                String key = "k" + (i % keys);
                String value = "v-" + (i % 10) + "-" + i + (i % 13 == 0 ? "-skip" : "");
                sends.add(producer.newMessage().key(key).value(value).sendAsync());
                if (i % 13 != 0) {
                    String upper = value.toUpperCase();
                    List<String> out = expected.computeIfAbsent(key, k -> new ArrayList<>());
                    out.add(key + ":" + upper);
                    if (upper.contains("-7-")) {
                        out.add(key + ":" + upper + "-COPY");
                    }
                }
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));

            try (JobRunner job = new JobRunner(builder.build(), config(pulsar, app)).start()) {
                int total = expected.values().stream().mapToInt(List::size).sum();
                List<Message<String>> messages = readAll(client, output, Schema.STRING, total, Duration.ofSeconds(60));
                Map<String, List<String>> actual = new HashMap<>();
                for (Message<String> m : messages) {
                    actual.computeIfAbsent(m.getKey(), k -> new ArrayList<>()).add(m.getValue());
                }
                assertSameOutputs(expected, actual);
                await("backlog 0", Duration.ofSeconds(20), () -> {
                    try {
                        return backlog(pulsar, "persistent://public/default/" + input, app) == 0;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        }
    }
}
