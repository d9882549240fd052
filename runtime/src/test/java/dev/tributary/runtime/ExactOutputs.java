package dev.tributary.runtime;

import dev.tributary.testkit.pulsar.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/**
 * What each guarantee promises of {@link CountJobMain}'s outputs, read back from the broker. Exactly-once:
 * every input (key, seq) echoed exactly once, and each key's counts strictly increasing up to its number
 * of inputs (a repeated or falling count is a duplicate, a count short of it is a gap). At-least-once:
 * every input echoed, and each key's last count at least its number of inputs.
 */
final class ExactOutputs {
    /** Reading both topics whole is dear: look again twice a second. */
    private static final Duration LOOK_EVERY = Duration.ofMillis(500);

    private ExactOutputs() {
    }

    /**
     * Publishes {@link CountJobMain}'s input: seqs [from, to) for each of keys k0.., in seq order, batched by
     * key so that a commit acknowledges parts of batches.
     */
    static void publish(PulsarClient client, String topic, int keys, int from, int to) throws Exception {
        try (org.apache.pulsar.client.api.Producer<String> producer = client.newProducer(Schema.STRING).topic(topic)
                .blockIfQueueFull(true).batcherBuilder(org.apache.pulsar.client.api.BatcherBuilder.KEY_BASED).create()) {
            dev.tributary.testkit.pulsar.Sends sends = new dev.tributary.testkit.pulsar.Sends();
            for (int seq = from; seq < to; seq++) {
                for (int key = 0; key < keys; key++) {
                    sends.add(producer.newMessage().key("k" + key).value(Integer.toString(seq)).sendAsync());
                }
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
        }
    }

    /** Waits until the outputs are complete, then fails on any duplicate, gap or count out of order. */
    static String check(PulsarClient client, String echo, String counts, int keys, int perKey, Duration timeout)
            throws Exception {
        Await.untilNoProblem(timeout, LOOK_EVERY, () -> problem(client, echo, counts, keys, perKey),
                problem -> problem.startsWith("duplicate") || problem.contains("not increasing"));
        return "every one of " + keys * perKey + " inputs echoed once; " + keys + " keys counted 1.." + perKey
                + " strictly increasing";
    }

    /** Waits until every input is echoed and every key counted at least its inputs; fails with what is missing. */
    static String checkNothingLost(PulsarClient client, String echo, String counts, int keys, int perKey,
                                   Duration timeout) throws Exception {
        Await.untilNoProblem(timeout, LOOK_EVERY, () -> missing(client, echo, counts, keys, perKey), problem -> false);
        return "every one of " + keys * perKey + " inputs echoed; " + keys + " keys counted at least " + perKey;
    }

    private static String missing(PulsarClient client, String echo, String counts, int keys, int perKey)
            throws Exception {
        java.util.Set<String> echoed = new java.util.HashSet<>();
        for (Message<String> m : PulsarTestSupport.readAll(client, echo, Schema.STRING, 0, Duration.ofMillis(1))) {
            echoed.add(m.getKey() + ":" + m.getValue());
        }
        Map<String, Long> last = new HashMap<>();
        for (Message<Long> m : PulsarTestSupport.readAll(client, counts, Schema.INT64, 0, Duration.ofMillis(1))) {
            last.put(m.getKey(), m.getValue());
        }
        for (int key = 0; key < keys; key++) {
            for (int seq = 0; seq < perKey; seq++) {
                if (!echoed.contains("k" + key + ":" + seq)) {
                    return "k" + key + ":" + seq + " not echoed (" + echoed.size() + " of " + keys * perKey + " are)";
                }
            }
            if (last.getOrDefault("k" + key, 0L) < perKey) {
                return "k" + key + " counted " + last.get("k" + key) + ", less than " + perKey;
            }
        }
        return null;
    }

    private static String problem(PulsarClient client, String echo, String counts, int keys, int perKey)
            throws Exception {
        Map<String, Integer> echoed = new HashMap<>();
        for (Message<String> m : PulsarTestSupport.readAll(client, echo, Schema.STRING, 0, Duration.ofMillis(1))) {
            String id = m.getKey() + ":" + m.getValue();
            if (echoed.merge(id, 1, Integer::sum) > 1) {
                return "duplicate echo of " + id + " (message " + m.getMessageId() + ")";
            }
        }
        Map<String, List<Long>> byKey = new HashMap<>();
        for (Message<Long> m : PulsarTestSupport.readAll(client, counts, Schema.INT64, 0, Duration.ofMillis(1))) {
            byKey.computeIfAbsent(m.getKey(), k -> new ArrayList<>()).add(m.getValue());
        }
        for (Map.Entry<String, List<Long>> entry : byKey.entrySet()) {
            List<Long> values = entry.getValue();
            for (int i = 1; i < values.size(); i++) {
                if (values.get(i) <= values.get(i - 1)) {
                    return "counts of " + entry.getKey() + " not increasing: " + values;
                }
            }
            if (values.get(values.size() - 1) > perKey) {
                return "duplicate input counted: " + entry.getKey() + " reached " + values.get(values.size() - 1);
            }
        }
        if (echoed.size() < keys * perKey) {
            // Which ones, and how far their keys were counted: a gap shows whether a key stopped or skipped.
            List<String> missing = new ArrayList<>();
            for (int key = 0; key < keys && missing.size() < 10; key++) {
                for (int seq = 0; seq < perKey && missing.size() < 10; seq++) {
                    if (!echoed.containsKey("k" + key + ":" + seq)) {
                        List<Long> values = byKey.get("k" + key);
                        missing.add("k" + key + ":" + seq + " (k" + key + " counted up to "
                                + (values == null ? 0 : values.get(values.size() - 1)) + ")");
                    }
                }
            }
            return "only " + echoed.size() + " of " + keys * perKey + " inputs echoed; missing " + missing;
        }
        for (int key = 0; key < keys; key++) {
            List<Long> values = byKey.get("k" + key);
            if (values == null || values.get(values.size() - 1) != perKey) {
                return "k" + key + " counted " + (values == null ? "nothing" : values.get(values.size() - 1))
                        + ", not " + perKey;
            }
        }
        return null;
    }
}
