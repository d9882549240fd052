package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job reaching the broker over TLS with mutual TLS authentication (the broker requires a client
 * certificate signed by its authority) through {@code pulsar+ssl://} and {@code https://}; missing
 * trust or a missing client certificate fail at start with the reason.
 */
class TlsIT {
    private static Topology copy(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING).to(output, Produced.with(Schema.STRING, Schema.STRING));
        return builder.build();
    }

    private static Configuration tlsConfig(EmbeddedPulsar pulsar, String app) {
        return Configuration.empty()
                .with(RuntimeOptions.APPLICATION_ID, app)
                .with(RuntimeOptions.SERVICE_URL, pulsar.serviceUrlTls())
                .with(RuntimeOptions.ADMIN_URL, pulsar.httpsUrl())
                .with(RuntimeOptions.OPERATION_TIMEOUT, Duration.ofSeconds(10));
    }

    @Test
    void mutualTlsWorksAndMissingTrustOrCertificateFailsAtStart(@TempDir Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
        try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().tls(certificates, true).build().start()) {
            pulsar.admin().topics().createNonPartitionedTopic("tls-in");
            Topology topology = copy("tls-in", "tls-out");
            Configuration trusted = tlsConfig(pulsar, "tls-copy")
                    .with(RuntimeOptions.TLS_TRUST_CERTS_FILE, certificates.caCertificate().toString());

            JobStartException untrusted = assertThrows(JobStartException.class,
                    () -> new JobRunner(topology, tlsConfig(pulsar, "tls-copy")
                            .with(RuntimeOptions.TLS_CERT_FILE, certificates.clientCertificate().toString())
                            .with(RuntimeOptions.TLS_KEY_FILE, certificates.clientKey().toString())).start());
            System.out.println("TlsIT: without the authority: " + untrusted.getMessage());
            assertTrue(untrusted.getMessage().contains(pulsar.httpsUrl()), untrusted.getMessage());
            assertTrue(untrusted.getMessage().contains("not signed by an authority the JVM trusts: set "
                    + RuntimeOptions.TLS_TRUST_CERTS_FILE.key()), untrusted.getMessage());

            JobStartException noCertificate = assertThrows(JobStartException.class,
                    () -> new JobRunner(topology, trusted).start());
            System.out.println("TlsIT: without a client certificate: " + noCertificate.getMessage());
            assertTrue(noCertificate.getMessage().contains(pulsar.httpsUrl()), noCertificate.getMessage());
            assertTrue(noCertificate.getMessage().contains("requires a client certificate (mutual TLS): set "
                    + RuntimeOptions.TLS_CERT_FILE.key()), noCertificate.getMessage());

            try (PulsarClient client = pulsar.newClient();
                 Producer<String> producer = client.newProducer(Schema.STRING).topic("tls-in").create()) {
                for (int i = 0; i < 100; i++) {
                    producer.newMessage().key("k" + i).value("v" + i).send();
                }
                Configuration mutual = trusted
                        .with(RuntimeOptions.TLS_CERT_FILE, certificates.clientCertificate().toString())
                        .with(RuntimeOptions.TLS_KEY_FILE, certificates.clientKey().toString());
                try (JobRunner job = new JobRunner(topology, mutual).start()) {
                    List<Message<String>> out = readAll(client, "tls-out", Schema.STRING, 100, Duration.ofSeconds(30));
                    assertEquals(100, out.size());
                    assertEquals(100, job.processedRecords());
                }
            }
        }
    }
}
