package dev.tributary.bench;

import dev.tributary.testkit.pulsar.BrokerProcess;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import java.nio.file.Path;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * The broker a benchmark runs against: embedded in the benchmark's JVM (the default), or in a process
 * of its own ({@code --broker process}), where the broker's threads and garbage collection do not
 * share the JVM with the job and the raw loops, as in a deployment.
 */
interface BenchBroker extends AutoCloseable {
    String serviceUrl();

    String httpUrl();

    PulsarAdmin admin();

    /** A new client of this broker, with transactions enabled; the caller closes it. */
    PulsarClient newClient() throws PulsarClientException;

    /** How the benchmark's header describes it. */
    String describe();

    @Override
    void close();

    static BenchBroker embedded(EmbeddedPulsar pulsar) {
        return new BenchBroker() {
            @Override
            public String serviceUrl() {
                return pulsar.serviceUrl();
            }

            @Override
            public String httpUrl() {
                return pulsar.httpUrl();
            }

            @Override
            public PulsarAdmin admin() {
                return pulsar.admin();
            }

            @Override
            public PulsarClient newClient() {
                return pulsar.newClient();
            }

            @Override
            public String describe() {
                return "embedded Pulsar " + org.apache.pulsar.PulsarVersion.getVersion()
                        + " in this JVM, one bookie, journal sync off";
            }

            @Override
            public void close() {
                pulsar.close();
            }
        };
    }

    /** Starts a broker in a process of its own, with ZooKeeper and its bookie in a second one. */
    static BenchBroker process(Path directory) throws Exception {
        BrokerProcess broker = BrokerProcess.start(directory, directory.resolveSibling("broker-process.log"));
        return new BenchBroker() {
            @Override
            public String serviceUrl() {
                return broker.serviceUrl();
            }

            @Override
            public String httpUrl() {
                return broker.httpUrl();
            }

            @Override
            public PulsarAdmin admin() {
                return broker.admin();
            }

            @Override
            public PulsarClient newClient() throws PulsarClientException {
                return PulsarClient.builder().serviceUrl(broker.serviceUrl()).enableTransaction(true).build();
            }

            @Override
            public String describe() {
                return "Pulsar " + org.apache.pulsar.PulsarVersion.getVersion() + " in its own JVM (512 MB heap),"
                        + " ZooKeeper and one bookie in a third, journal sync off";
            }

            @Override
            public void close() {
                broker.close();
            }
        };
    }
}
