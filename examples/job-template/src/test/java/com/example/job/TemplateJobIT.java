package com.example.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the packaged jar with {@code java -jar}, as a deployment would, and feeds it data. */
class TemplateJobIT {
    private static final String API_KEY = "k3y-that-must-not-show";

    @Test
    void theJobJarCarriesTheNativesOfOnePlatformAndStaysUnder66Megabytes() throws Exception {
        Path jar = Path.of("target", "my-job.jar");
        long size = Files.size(jar);
        assertTrue(size < 66_000_000L, jar + " is " + size + " bytes; a job jar must stay under 66 MB");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            java.util.List<String> natives = zip.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(name -> name.startsWith("librocksdbjni-")).toList();
            assertEquals(java.util.List.of("librocksdbjni-linux64.so"), natives);
        }
    }

    @Test
    void thePackagedJarRunsTheJobAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Path jar = Path.of("target", "my-job.jar");
        assertTrue(Files.exists(jar), "mvn package builds " + jar.toAbsolutePath());
        try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().build().start();
             PulsarClient client = pulsar.newClient()) {
            pulsar.admin().topics().createNonPartitionedTopic("people");
            Path config = dir.resolve("job.properties");
            Files.writeString(config, String.join("\n",
                    "pulsar.service.url=" + pulsar.serviceUrl(),
                    "pulsar.admin.url=" + pulsar.httpUrl(),
                    "template.input=people",
                    "template.api-key=" + API_KEY,
                    "state.dir=" + dir.resolve("state"),
                    "http.port=0", ""));
            Path stdout = dir.resolve("out.txt");
            Path stderr = dir.resolve("err.txt");
            Process job = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-jar", jar.toString(), "--config", config.toString(), "--set", "template.output=hellos")
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            try (Producer<String> producer = client.newProducer(Schema.STRING).topic("people").create();
                 Consumer<String> greetings = client.newConsumer(Schema.STRING).topic("hellos").subscriptionName("check")
                         .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
                for (int i = 0; i < 100; i++) {
                    producer.newMessage().key("p" + i).value("person " + i).send();
                }
                Set<String> seen = new HashSet<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (seen.size() < 100 && System.nanoTime() < deadline && job.isAlive()) {
                    Message<String> m = greetings.receive(200, TimeUnit.MILLISECONDS);
                    if (m != null) {
                        seen.add(m.getValue());
                    }
                }
                assertEquals(100, seen.size(), "greetings; job output:\n" + Files.readString(stderr));
                assertTrue(seen.contains("hello, person 42"));
            }
            String banner = Files.readString(stdout, StandardCharsets.UTF_8);
            Matcher port = Pattern.compile("metrics and health on port (\\d+)").matcher(banner);
            assertTrue(port.find(), banner);
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port.group(1) + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());

            job.destroy(); // SIGTERM
            assertTrue(job.waitFor(60, TimeUnit.SECONDS), "the job stops on SIGTERM");
            String errors = Files.readString(stderr, StandardCharsets.UTF_8);
            assertEquals(0, job.exitValue(), errors);
            assertTrue(banner.contains("job 'template-job' (com.example.job.TemplateJob)"), banner);
            assertTrue(banner.contains("template.api-key = ******"), banner);
            assertTrue(banner.contains("template.output = hellos   [flag]"), banner);
            assertFalse(banner.contains(API_KEY) || errors.contains(API_KEY), "the secret never shows");
            assertTrue(errors.contains("Stopped after 100 records."), errors);
        }
    }
}
