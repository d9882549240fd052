package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.await;
import static dev.tributary.runtime.PulsarTestSupport.createTopic;
import static dev.tributary.runtime.PulsarTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.TcpProxy;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One of two instances reaches the broker through a proxy (its service URL, the broker listener it
 * connects with, and its admin URL), and the proxy cuts it off for 10 s while records flow: every
 * connection dropped, every new one refused. The other instance takes its key groups; once the network
 * heals the cut instance rejoins and gets key groups again. Under at-least-once nothing is lost; under
 * exactly-once nothing is duplicated either.
 */
class NetworkCutIT {
    private static final int KEYS = 300;
    private static final int PER_KEY = 60;

    private static TcpProxy binary;
    private static TcpProxy http;
    private static EmbeddedPulsar pulsar;

    @BeforeAll
    static void startBrokerBehindProxies() throws Exception {
        int brokerPort;
        int webPort;
        try (ServerSocket one = new ServerSocket(0); ServerSocket two = new ServerSocket(0)) {
            brokerPort = one.getLocalPort();
            webPort = two.getLocalPort();
        }
        binary = TcpProxy.start(brokerPort);
        http = TcpProxy.start(webPort);
        pulsar = EmbeddedPulsar.builder().brokerPort(brokerPort).webPort(webPort)
                .advertisedListener("cut", binary.port()).build().start();
    }

    @AfterAll
    static void stop() {
        if (pulsar != null) {
            pulsar.close();
        }
        binary.close();
        http.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void anInstanceCutOffForTenSecondsRejoinsAndNothingIsLost(String guarantee, @TempDir Path dirA,
                                                                @TempDir Path dirB) throws Exception {
        String app = unique("cut");
        String input = unique("cut-in");
        String echo = unique("cut-echo");
        String counts = unique("cut-counts");
        createTopic(pulsar, input);
        Configuration common = Configuration.of(pulsar.jobSettings(app))
                .with(RuntimeOptions.PROCESSING_GUARANTEE.key(), guarantee)
                .with(RuntimeOptions.TRANSACTION_TIMEOUT, Duration.ofSeconds(10));
        Configuration direct = common.with(RuntimeOptions.INSTANCE_ID, "direct")
                .with(RuntimeOptions.STATE_DIR, dirA.toString());
        Configuration proxied = common.with(RuntimeOptions.INSTANCE_ID, "proxied")
                .with(RuntimeOptions.STATE_DIR, dirB.toString())
                .with(RuntimeOptions.SERVICE_URL, "pulsar://127.0.0.1:" + binary.port())
                .with(RuntimeOptions.LISTENER_NAME, "cut")
                .with(RuntimeOptions.ADMIN_URL, "http://127.0.0.1:" + http.port());
        try (PulsarClient client = pulsar.newClient();
             JobRunner a = new JobRunner(CountJobMain.topology(input, echo, counts), direct).start();
             JobRunner b = new JobRunner(CountJobMain.topology(input, echo, counts), proxied).start()) {
            await("both instances own key groups", Duration.ofSeconds(60),
                    () -> a.ownedKeyGroups() > 0 && b.ownedKeyGroups() > 0 && a.pendingKeyGroups() == 0
                            && b.pendingKeyGroups() == 0);
            ExactOutputs.publish(client, input, KEYS, 0, PER_KEY / 3);
            await("the proxied instance processes its share", Duration.ofSeconds(60), () -> b.processedRecords() > 0);
            binary.cut();
            http.cut();
            long cutAt = System.nanoTime();
            ExactOutputs.publish(client, input, KEYS, PER_KEY / 3, 2 * PER_KEY / 3);
            await("the direct instance takes every key group", Duration.ofSeconds(90),
                    () -> a.ownedKeyGroups() == RuntimeOptions.KEY_GROUPS.defaultValue() && a.pendingKeyGroups() == 0);
            System.out.println("NetworkCutIT " + guarantee + ": every key group on the direct instance "
                    + (System.nanoTime() - cutAt) / 1_000_000 + " ms after the cut");
            PulsarTestSupport.await("10 s of cut", Duration.ofSeconds(11),
                    () -> System.nanoTime() - cutAt >= Duration.ofSeconds(10).toNanos());
            binary.heal();
            http.heal();
            long healedAt = System.nanoTime();
            ExactOutputs.publish(client, input, KEYS, 2 * PER_KEY / 3, PER_KEY);
            await("the cut instance owns key groups again", Duration.ofSeconds(90),
                    () -> b.ownedKeyGroups() > 0 && b.pendingKeyGroups() == 0);
            System.out.println("NetworkCutIT " + guarantee + ": the cut instance owns key groups again "
                    + (System.nanoTime() - healedAt) / 1_000_000 + " ms after the network healed");
            System.out.println("NetworkCutIT " + guarantee + ": " + (guarantee.equals("exactly-once")
                    ? ExactOutputs.check(client, echo, counts, KEYS, PER_KEY, Duration.ofSeconds(120))
                    : ExactOutputs.checkNothingLost(client, echo, counts, KEYS, PER_KEY, Duration.ofSeconds(120))));
            assertEquals(JobState.RUNNING, a.state(), "the direct instance runs: " + a.failure());
            assertEquals(JobState.RUNNING, b.state(), "the cut instance runs: " + b.failure());
        }
    }

}
