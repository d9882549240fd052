package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Grouped;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.config.Secret;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.policies.data.AuthAction;
import org.apache.pulsar.common.policies.data.TenantInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job in a tenant and namespaces of its own, on a broker with token authentication and
 * authorization: every topic it reads, writes or keeps is where it was told, and a role without
 * permission on a namespace is told which one and what is missing.
 */
class TenantsIT {
    private static EmbeddedPulsar pulsar;

    @BeforeAll
    static void broker() throws Exception {
        pulsar = EmbeddedPulsar.builder().tokenAuthentication().build().start();
        Set<String> clusters = Set.copyOf(pulsar.admin().clusters().getClusters());
        // The job creates its internal topics, which takes an admin of their tenant; on the data it reads
        // and writes elsewhere, consume and produce are enough.
        pulsar.admin().tenants().createTenant("acme", TenantInfo.builder().allowedClusters(clusters)
                .adminRoles(Set.of("acme-job")).build());
        pulsar.admin().namespaces().createNamespace("acme/internal");
        pulsar.admin().tenants().createTenant("shop", TenantInfo.builder().allowedClusters(clusters).build());
        for (String namespace : List.of("shop/orders", "shop/closed")) {
            pulsar.admin().namespaces().createNamespace(namespace);
        }
        for (String role : List.of("acme-job", "shop-job")) {
            pulsar.admin().namespaces().grantPermissionOnNamespace("shop/orders", role,
                    EnumSet.of(AuthAction.produce, AuthAction.consume));
        }
    }

    @AfterAll
    static void stop() {
        pulsar.close();
    }

    private static Topology countByValue(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).groupBy((key, value) -> value, Grouped.with(Schema.STRING, Schema.STRING))
                .count().toStream().to(output, Produced.with(Schema.STRING, Schema.INT64));
        return builder.build();
    }

    private static Configuration asRole(String app, String role, Path stateDir) {
        return config(pulsar, app).with(RuntimeOptions.AUTH_TOKEN, Secret.of(pulsar.createToken(role)))
                .with(RuntimeOptions.STATE_DIR, stateDir.toString());
    }

    @Test
    void aJobKeepsEveryTopicInTheNamespacesItWasGiven(@TempDir Path stateDir) throws Exception {
        String input = "persistent://shop/orders/" + unique("in");
        String output = "persistent://shop/orders/" + unique("out");
        String app = unique("acme");
        pulsar.admin().topics().createNonPartitionedTopic(input);
        Configuration config = asRole(app, "acme-job", stateDir)
                .with(RuntimeOptions.INTERNAL_NAMESPACE, "acme/internal");
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).enableBatching(false)
                     .create();
             JobRunner job = new JobRunner(countByValue(input, output), config).start()) {
            for (int i = 0; i < 30; i++) {
                producer.newMessage().key("k" + i).value("colour-" + (i % 3)).send();
            }
            Map<String, Long> expected = Map.of("colour-0", 10L, "colour-1", 10L, "colour-2", 10L);
            Map<String, Long> last = new HashMap<>();
            await("each colour counted 10 times", Duration.ofSeconds(60), () -> {
                try {
                    readAll(client, output, Schema.INT64, 3, Duration.ofSeconds(30))
                            .forEach(message -> last.put(message.getKey(), message.getValue()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return last.equals(expected);
            });
            assertEquals(JobState.RUNNING, job.state());
        }
        List<String> internal = pulsar.admin().topics().getList("acme/internal");
        assertTrue(internal.stream().anyMatch(t -> t.contains(app + "-") && t.contains("-changelog")), internal.toString());
        assertTrue(internal.stream().anyMatch(t -> t.contains(app + "-") && t.contains("-repartition")), internal.toString());
        assertTrue(internal.stream().anyMatch(t -> t.contains(app + "-members")), internal.toString());
        for (String namespace : List.of("public/default", "shop/orders")) {
            List<String> elsewhere = pulsar.admin().topics().getList(namespace).stream()
                    .filter(t -> t.contains(app + "-")).toList();
            assertEquals(List.of(), elsewhere, "internal topics outside acme/internal, in " + namespace);
        }
    }

    @Test
    void aRoleThatCannotCreateTheInternalTopicsIsToldToAdministerTheirTenant(@TempDir Path stateDir) throws Exception {
        String input = "persistent://shop/orders/" + unique("in");
        pulsar.admin().topics().createNonPartitionedTopic(input);
        JobRunner job = new JobRunner(countByValue(input, "persistent://shop/orders/" + unique("out")),
                asRole(unique("no-admin"), "shop-job", stateDir).with(RuntimeOptions.INTERNAL_NAMESPACE, "acme/internal"));
        JobStartException e = assertThrows(JobStartException.class, job::start);
        assertTrue(e.getMessage().startsWith("role 'shop-job' is not allowed to do what the job needs in namespace"
                + " 'acme/internal': it must administer tenant 'acme'"), e.getMessage());
        assertTrue(e.getMessage().contains("pulsar-admin tenants update acme --admin-roles shop-job"), e.getMessage());
    }

    @Test
    void aRoleWithoutPermissionOnANamespaceIsToldWhichAndWhat(@TempDir Path stateDir) throws Exception {
        String input = "persistent://shop/closed/" + unique("in");
        pulsar.admin().topics().createNonPartitionedTopic(input);
        JobRunner job = new JobRunner(countByValue(input, "persistent://shop/orders/" + unique("out")),
                asRole(unique("closed"), "acme-job", stateDir).with(RuntimeOptions.INTERNAL_NAMESPACE, "acme/internal"));
        JobStartException e = assertThrows(JobStartException.class, job::start);
        System.out.println("TenantsIT: " + e.getMessage());
        assertTrue(e.getMessage().contains("namespace 'shop/closed'"), e.getMessage());
        assertTrue(e.getMessage().contains("role 'acme-job'"), e.getMessage());
        assertTrue(e.getMessage().contains("consume"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
