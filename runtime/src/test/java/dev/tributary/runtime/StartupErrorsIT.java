package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import java.time.Duration;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PulsarExtension.class)
class StartupErrorsIT {

    public static final class Order {
        public String id;
        public double amount;
    }

    private static StreamBuilder copy(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).to(output, Schema.STRING);
        return builder;
    }

    @Test
    void anInvalidTopicNameIsRefusedNamingTheTopicAndTheNode(EmbeddedPulsar pulsar) {
        JobRunner job = new JobRunner(copy("persistent://public/default/in", "bogus-domain://public/default/out").build(),
                config(pulsar, unique("bad-topic")));
        TopologyException error = assertThrows(TopologyException.class, job::start);
        assertTrue(error.getMessage().contains("invalid topic name 'bogus-domain://public/default/out' in sink 'sink-1'"),
                error.getMessage());
    }

    @Test
    void aSecondInstanceWithTheSameNameOrOtherKeyGroupsIsRefused(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("members-in");
        createTopic(pulsar, input);
        String app = unique("members");
        var topology = copy(input, unique("out")).build();
        try (JobRunner first = new JobRunner(topology, config(pulsar, app).with(RuntimeOptions.INSTANCE_ID, "node-1"))
                .start()) {
            JobStartException sameName = assertThrows(JobStartException.class, () -> new JobRunner(topology,
                    config(pulsar, app).with(RuntimeOptions.INSTANCE_ID, "node-1")).start());
            assertTrue(sameName.getMessage().contains("another running instance is named 'node-1'"), sameName.getMessage());
            JobStartException otherGroups = assertThrows(JobStartException.class, () -> new JobRunner(topology,
                    config(pulsar, app).with(RuntimeOptions.INSTANCE_ID, "node-2").with(RuntimeOptions.KEY_GROUPS, 32))
                    .start());
            assertTrue(otherGroups.getMessage().contains("key.groups is 32 here but running instance 'node-1'")
                    && otherGroups.getMessage().contains("uses 64"), otherGroups.getMessage());
            assertTrue(first.state() == JobState.RUNNING && first.ownedKeyGroups() == 64,
                    "the running instance keeps every key group");
        }
    }

    @Test
    void aMissingInputTopicIsRefused(EmbeddedPulsar pulsar) {
        JobRunner job = new JobRunner(copy(unique("missing"), unique("out")).build(), config(pulsar, unique("missing")));
        JobStartException error = assertThrows(JobStartException.class, job::start);
        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
        assertTrue(error.getMessage().contains("source 'source-0'"), error.getMessage());
    }

    @Test
    void anUnreachableBrokerFailsFastWithTheAddress(EmbeddedPulsar pulsar) {
        Configuration config = Configuration.empty()
                .with(RuntimeOptions.APPLICATION_ID, "unreachable")
                .with(RuntimeOptions.SERVICE_URL, "pulsar://127.0.0.1:1")
                .with(RuntimeOptions.OPERATION_TIMEOUT, Duration.ofSeconds(3));
        long start = System.nanoTime();
        JobStartException error = assertThrows(JobStartException.class,
                () -> new JobRunner(copy("in", "out").build(), config).start());
        assertTrue(error.getMessage().contains("http://127.0.0.1:8080"), error.getMessage());
        assertTrue(error.getMessage().contains("pulsar.admin.url"), error.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos(), "fails fast");
    }

    @Test
    void invalidSettingsNameTheKeyValueAndRule() {
        ConfigException error = assertThrows(ConfigException.class, () -> new JobRunner(copy("in", "out").build(),
                Configuration.empty().with("application.id", "x").with("key.groups", "0")));
        assertTrue(error.getMessage().contains("invalid value '0' for key.groups"), error.getMessage());
        error = assertThrows(ConfigException.class, () -> new JobRunner(copy("in", "out").build(), Configuration.empty()));
        assertTrue(error.getMessage().contains("application.id"), error.getMessage());
    }

    @Test
    void aSchemaTheBrokerRefusesNamesTheTopicAndBothSchemas(EmbeddedPulsar pulsar) throws Exception {
        String input = unique("schema-in");
        String output = unique("schema-out");
        createTopic(pulsar, input);
        try (PulsarClient client = pulsar.newClient();
             Producer<Order> existing = client.newProducer(Schema.JSON(Order.class)).topic(output).create()) {
            JobRunner job = new JobRunner(copy(input, output).build(), config(pulsar, unique("schema")));
            JobStartException error = assertThrows(JobStartException.class, job::start);
            String message = error.getMessage();
            assertTrue(message.contains("sink 'sink-1'"), message);
            assertTrue(message.contains("persistent://public/default/" + output), message);
            assertTrue(message.contains("the topic has schema JSON"), message);
            assertTrue(message.contains("the job uses STRING"), message);
            assertTrue(existing.isConnected(), "the existing producer is unaffected");
        }
    }
}
