package dev.tributary.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.examples.clicks.Click;
import dev.tributary.examples.wordcount.WordCount;
import dev.tributary.testkit.pulsar.Await;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import dev.tributary.testkit.pulsar.Sends;
import dev.tributary.testkit.pulsar.TestTopics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Runs the launcher in its own JVM, as a user would, and checks its output and exit code. */
@ExtendWith(PulsarExtension.class)
class LauncherIT {
    @TempDir
    Path temp;

    private record Result(int exitCode, String stdout, String stderr) {
    }

    /** A launcher process and the files its standard output and error go to. */
    private record Launched(Process process, Path stdout, Path stderr) {
    }

    private Result launch(long timeoutSeconds, String... args) throws Exception {
        Launched launched = start(args);
        assertTrue(launched.process().waitFor(timeoutSeconds, TimeUnit.SECONDS),
                "the launcher did not exit in time (a hang)");
        return result(launched);
    }

    private Launched start(String... args) throws Exception {
        return start(Map.of(), args);
    }

    private Launched start(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "--add-opens", "java.base/jdk.internal.platform=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Examples.class.getName()));
        command.addAll(List.of(args));
        String id = UUID.randomUUID().toString();
        Path stdout = temp.resolve(id + ".out");
        Path stderr = temp.resolve(id + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new Launched(process, stdout, stderr);
    }

    private static Result result(Launched launched) throws Exception {
        return new Result(launched.process().exitValue(), Files.readString(launched.stdout(), StandardCharsets.UTF_8),
                Files.readString(launched.stderr(), StandardCharsets.UTF_8));
    }

    private static long errorLines(String stderr) {
        return stderr.lines().filter(line -> line.startsWith("error: ")).count();
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithASuggestion() throws Exception {
        Result result = launch(30, "click-enrich", "--servce-url", "pulsar://x:6650");
        assertEquals(Examples.USAGE, result.exitCode());
        assertTrue(result.stderr().contains("error: unknown option '--servce-url' (did you mean '--service-url'?)"),
                result.stderr());
        assertEquals(1, errorLines(result.stderr()));
    }

    @Test
    void anUnknownExampleIsAUsageError() throws Exception {
        Result result = launch(30, "no-such-example");
        assertEquals(Examples.USAGE, result.exitCode());
        assertTrue(result.stderr().contains("error: unknown example 'no-such-example'"), result.stderr());
    }

    @Test
    void describeSvgWritesThePictureAloneToStandardOutput() throws Exception {
        Result svg = launch(60, "word-count", "--describe", "svg");
        assertEquals(Examples.OK, svg.exitCode(), svg.stderr());
        var document = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(svg.stdout().getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", document.getDocumentElement().getTagName(), "standard output is the SVG alone");
    }

    @Test
    void anInvalidTopicNameIsOneClearLine(EmbeddedPulsar pulsar) throws Exception {
        Result result = launch(60, "click-enrich", "--service-url", pulsar.serviceUrl(), "--admin-url", pulsar.httpUrl(),
                "--output", "bogus://public/default/out");
        assertEquals(Examples.INVALID, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("error: invalid topic name 'bogus://public/default/out' in sink"),
                result.stderr());
        assertEquals(1, errorLines(result.stderr()));
    }

    @Test
    void aMissingSchemaClassIsOneClearLine(EmbeddedPulsar pulsar) throws Exception {
        Result result = launch(60, "rebatch", "--service-url", pulsar.serviceUrl(),
                "--value-schema", "json:com.example.DoesNotExist");
        assertEquals(Examples.INVALID, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("error: schema class 'com.example.DoesNotExist' of --value-schema"),
                result.stderr());
        assertEquals(1, errorLines(result.stderr()));
    }

    @Test
    void anUnreachableBrokerIsOneClearLineNotAHang() throws Exception {
        Result result = launch(60, "click-enrich", "--service-url", "pulsar://127.0.0.1:1");
        assertEquals(Examples.CANNOT_START, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("error: cannot reach the Pulsar admin API at http://127.0.0.1:8080"),
                result.stderr());
        assertEquals(1, errorLines(result.stderr()));
    }

    @Test
    void pulsarIoSourceRunsThePublishedDataGeneratorPackageIntoATopic(EmbeddedPulsar pulsar) throws Exception {
        Path nar = Path.of(System.getProperty("tributary.test.nars", "target/nars"), "pulsar-io-data-generator.nar");
        // A new topic, which the source's first write creates.
        String output = TestTopics.unique("people");
        // The format of pulsar-admin sources create --source-config-file.
        Path config = Files.writeString(temp.resolve("data-generator.yaml"), String.join("\n", "tenant: public",
                "namespace: default", "name: people", "topicName: " + output, "configs:", "  sleepBetweenMessages: 10", ""));
        Launched launched = start("pulsar-io-source", "--nar", nar.toString(), "--config", config.toString(),
                "--output", output, "--service-url", pulsar.serviceUrl(), "--admin-url", pulsar.httpUrl(),
                "--application-id", TestTopics.unique("people-source"), "--set", "http.port=0");
        try (PulsarClient client = pulsar.newClient()) {
            List<Message<byte[]>> people = TestTopics.readAll(client, output, Schema.BYTES, 50, Duration.ofSeconds(90));
            var person = new com.fasterxml.jackson.databind.ObjectMapper().readTree(people.get(0).getValue());
            assertTrue(person.path("firstName").isTextual() && person.path("email").asText().contains("@"),
                    "a generated person as JSON: " + person);
        } finally {
            launched.process().destroy(); // SIGTERM
        }
        assertTrue(launched.process().waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM");
        Result result = result(launched);
        assertEquals(Examples.OK, result.exitCode(), result.stderr());
    }

    @Test
    void pulsarIoSourceWithoutAPackageIsAUsageError() throws Exception {
        Result result = launch(60, "pulsar-io-source", "--output", "people");
        assertEquals(Examples.USAGE, result.exitCode());
        assertTrue(result.stderr().startsWith("error: pulsar-io-source needs --nar FILE"), result.stderr());
    }

    @Test
    void sigtermStopsTheJobGracefullyWithEverythingCommitted(EmbeddedPulsar pulsar) throws Exception {
        String input = TestTopics.unique("launcher-clicks");
        String app = TestTopics.unique("launcher");
        pulsar.admin().topics().createNonPartitionedTopic(input);
        try (PulsarClient client = pulsar.newClient();
             Producer<Click> producer = client.newProducer(Schema.JSON(Click.class)).topic(input)
                     .blockIfQueueFull(true).create()) {
            Sends sends = new Sends();
            for (int i = 0; i < 500; i++) {
                sends.add(producer.newMessage().key("u" + i)
                        .value(new Click("u" + i, "/shop", "Mozilla", i)).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
        }
        Launched launched = start("click-enrich", "--service-url", pulsar.serviceUrl(), "--admin-url", pulsar.httpUrl(),
                "--input", input, "--output", input + "-out", "--application-id", app);
        Process process = launched.process();
        String topic = "persistent://public/default/" + input;
        Await.until("the job to process its input", Duration.ofSeconds(60),
                () -> committedWhileAlive(pulsar, topic, app, process));
        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM");
        Result result = result(launched);
        assertEquals(Examples.OK, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("Stopped after 500 records."), result.stderr());
        assertEquals(0, pulsar.admin().topics().getStats(topic).getSubscriptions().get(app).getMsgBacklog());
    }

    @Test
    void windowedCountEmitsFinalJsonCountsKeyedByTheRecordKeyAndRoutesLateRecords(EmbeddedPulsar pulsar)
            throws Exception {
        String input = TestTopics.unique("wc-in");
        String output = input + "-out";
        String late = input + "-late";
        pulsar.admin().topics().createNonPartitionedTopic(input);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Launched launched = start("windowed-count", "--service-url", pulsar.serviceUrl(), "--admin-url", pulsar.httpUrl(),
                "--input", input, "--output", output, "--window", "10s", "--grace", "5s", "--emit", "final",
                "--late-topic", late, "--application-id", TestTopics.unique("wc"), "--set", "http.port=" + port,
                "--state-dir", temp.resolve("wc-state").toString());
        try (PulsarClient client = pulsar.newClient()) {
            Await.until("the job to subscribe", Duration.ofSeconds(60), () -> subscribed(pulsar, input));
            long base = 1_700_000_000_000L;
            try (Producer<String> producer = client.newProducer(Schema.STRING).topic(input).enableBatching(false)
                    .create()) {
                for (int i = 0; i < 30; i++) {
                    producer.newMessage().key("a").value("a" + i).eventTime(base + i * 1000L).send();
                }
                producer.newMessage().key("a").value("late-a").eventTime(base + 2000).send();
            }
            List<org.apache.pulsar.client.api.Message<byte[]>> counts = TestTopics.readAll(client, output, Schema.BYTES, 2,
                    Duration.ofSeconds(60));
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            List<String> windows = new ArrayList<>();
            for (var message : counts) {
                assertEquals("a", message.getKey(), "keyed by the record key");
                var value = json.readTree(message.getValue());
                windows.add(value.get("start").asLong() + "/" + value.get("end").asLong() + "=" + value.get("count").asLong());
            }
            // Stream time 29 s: the windows ending at 10 s and 20 s have closed (end + 5 s grace); [20 s, 30 s) is open.
            assertEquals(List.of(base + "/" + (base + 10_000) + "=10", (base + 10_000) + "/" + (base + 20_000) + "=10"),
                    windows);
            var lateRecords = TestTopics.readAll(client, late, Schema.STRING, 1, Duration.ofSeconds(60));
            assertEquals(List.of("late-a"), lateRecords.stream().map(m -> m.getValue()).toList());
            assertEquals(base + 2000, lateRecords.get(0).getEventTime(), "unchanged");
            // The open window, asked of the job's store by key and time; the closed ones are past retention.
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String query = "http://127.0.0.1:" + port + "/stores/window-counts/keys/a?from=" + (base + 20_000) + "&to="
                    + (base + 25_000);
            Await.until("the open window's count from the store", Duration.ofSeconds(30), () -> {
                try {
                    var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(query)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    var windowsOfA = json.readTree(response.body()).path("windows");
                    return response.statusCode() == 200 && windowsOfA.size() == 1
                            && windowsOfA.get(0).get("start").asLong() == base + 20_000
                            && windowsOfA.get(0).get("end").asLong() == base + 30_000
                            && windowsOfA.get(0).get("value").asLong() == 10;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            launched.process().destroy();
            assertTrue(launched.process().waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM");
        }
        assertEquals(Examples.OK, result(launched).exitCode(), result(launched).stderr());
    }

    @Test
    void orderEnrichmentJoinsOrdersWithTheCustomerAsItWasAndNullsForNone(EmbeddedPulsar pulsar) throws Exception {
        String orders = TestTopics.unique("oe-orders");
        String customers = TestTopics.unique("oe-customers");
        String output = orders + "-out";
        pulsar.admin().topics().createPartitionedTopic(orders, 2);
        pulsar.admin().topics().createNonPartitionedTopic(customers);
        var customerSchema = Schema.JSON(dev.tributary.examples.enrichment.Customer.class);
        var orderSchema = Schema.JSON(dev.tributary.examples.enrichment.PlacedOrder.class);
        Launched launched = start("order-enrichment", "--service-url", pulsar.serviceUrl(), "--admin-url",
                pulsar.httpUrl(), "--orders", orders, "--customers", customers, "--output", output,
                "--application-id", TestTopics.unique("oe"), "--set", "http.port=0",
                "--state-dir", temp.resolve("oe-state").toString());
        try (PulsarClient client = pulsar.newClient();
             Producer<dev.tributary.examples.enrichment.Customer> rows = client.newProducer(customerSchema)
                     .topic(customers).enableBatching(false).create();
             Producer<dev.tributary.examples.enrichment.PlacedOrder> placed = client.newProducer(orderSchema)
                     .topic(orders).enableBatching(false).create()) {
            Await.until("the job to subscribe", Duration.ofSeconds(60), () -> subscribed(pulsar, customers));
            long time = System.currentTimeMillis();
            rows.newMessage().key("c1").value(new dev.tributary.examples.enrichment.Customer("c1", "Ada", "gold"))
                    .eventTime(time++).send();
            placed.newMessage().key("c1").value(new dev.tributary.examples.enrichment.PlacedOrder("o1", "c1", 12.5))
                    .eventTime(time++).send();
            placed.newMessage().key("c2").value(new dev.tributary.examples.enrichment.PlacedOrder("o2", "c2", 3))
                    .eventTime(time++).send();
            List<org.apache.pulsar.client.api.Message<byte[]>> first = TestTopics.readAll(client, output, Schema.BYTES, 2,
                    Duration.ofSeconds(60));
            // Deleting the customer: a message with no value.
            rows.newMessage().key("c1").value(null).eventTime(time++).send();
            Await.until("the deletion to be processed", Duration.ofSeconds(30), () -> {
                try {
                    return pulsar.admin().topics().getStats(customers).getSubscriptions().values().stream()
                            .allMatch(s -> s.getMsgBacklog() == 0);
                } catch (Exception e) {
                    return false;
                }
            });
            placed.newMessage().key("c1").value(new dev.tributary.examples.enrichment.PlacedOrder("o3", "c1", 4))
                    .eventTime(time).send();
            List<org.apache.pulsar.client.api.Message<byte[]>> all = TestTopics.readAll(client, output, Schema.BYTES, 3,
                    Duration.ofSeconds(60));
            assertEquals(2, first.size());
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            java.util.Map<String, String> byOrder = new java.util.TreeMap<>();
            for (var message : all) {
                var value = json.readTree(message.getValue());
                assertEquals(value.get("customerId").asText(), message.getKey(), "keyed by customer id");
                assertTrue(value.has("name") && value.has("tier"), "name and tier are always there: " + value);
                byOrder.put(value.get("orderId").asText(), value.get("amount").asDouble() + " "
                        + value.get("name").asText(null) + " " + value.get("tier").asText(null));
            }
            assertEquals(java.util.Map.of("o1", "12.5 Ada gold", "o2", "3.0 null null", "o3", "4.0 null null"), byOrder);
        } finally {
            launched.process().destroy();
            assertTrue(launched.process().waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM");
        }
        assertEquals(Examples.OK, result(launched).exitCode(), result(launched).stderr());
    }

    @Test
    void adAttributionJoinsAClickToItsImpressionOnlyWithinTheWindowBeforeIt(EmbeddedPulsar pulsar) throws Exception {
        String impressions = TestTopics.unique("aa-impressions");
        String clicks = TestTopics.unique("aa-clicks");
        String output = clicks + "-out";
        pulsar.admin().topics().createNonPartitionedTopic(impressions);
        pulsar.admin().topics().createPartitionedTopic(clicks, 3);
        var impressionSchema = Schema.JSON(dev.tributary.examples.attribution.Impression.class);
        var clickSchema = Schema.JSON(dev.tributary.examples.attribution.Click.class);
        Launched launched = start("ad-attribution", "--service-url", pulsar.serviceUrl(), "--admin-url",
                pulsar.httpUrl(), "--impressions", impressions, "--clicks", clicks, "--output", output,
                "--application-id", TestTopics.unique("aa"), "--set", "http.port=0",
                "--state-dir", temp.resolve("aa-state").toString());
        try (PulsarClient client = pulsar.newClient();
             Producer<dev.tributary.examples.attribution.Impression> shown = client.newProducer(impressionSchema)
                     .topic(impressions).enableBatching(false).create();
             Producer<dev.tributary.examples.attribution.Click> clicked = client.newProducer(clickSchema)
                     .topic(clicks).enableBatching(false).create()) {
            Await.until("the job to subscribe", Duration.ofSeconds(60), () -> subscribed(pulsar, impressions));
            long minute = 60_000;
            long time = System.currentTimeMillis() - 60 * minute;
            for (String id : List.of("i1", "i2", "i3")) {
                shown.newMessage().key(id).value(new dev.tributary.examples.attribution.Impression(id, "ad-" + id, "spring"))
                        .eventTime(time).send();
            }
            // 9 minutes after: attributed; 11 minutes after: too late; a click of an impression never shown.
            clicked.newMessage().key("i1").value(new dev.tributary.examples.attribution.Click("k1", "i1"))
                    .eventTime(time + 9 * minute).send();
            clicked.newMessage().key("i2").value(new dev.tributary.examples.attribution.Click("k2", "i2"))
                    .eventTime(time + 11 * minute).send();
            clicked.newMessage().key("i9").value(new dev.tributary.examples.attribution.Click("k9", "i9"))
                    .eventTime(time + 11 * minute).send();
            clicked.newMessage().key("i3").value(new dev.tributary.examples.attribution.Click("k3", "i3"))
                    .eventTime(time + 11 * minute).send();
            shown.newMessage().key("i3").value(new dev.tributary.examples.attribution.Impression("i3", "ad-i3", "summer"))
                    .eventTime(time + 10 * minute + 30_000).send();
            Await.until("every click processed", Duration.ofSeconds(60), () -> {
                try {
                    return pulsar.admin().topics().getPartitionedStats(clicks, false).getSubscriptions().values()
                            .stream().allMatch(s -> s.getMsgBacklog() == 0)
                            && pulsar.admin().topics().getStats(impressions).getSubscriptions().values().stream()
                            .allMatch(s -> s.getMsgBacklog() == 0);
                } catch (Exception e) {
                    return false;
                }
            });
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            java.util.Set<String> attributed = new java.util.TreeSet<>();
            // Every click is processed, so every output is written: the reader goes to the topic's last
            // message, and a third (wrong or repeated) output would be read too.
            var outputs = TestTopics.readAll(client, output, Schema.BYTES, 2, Duration.ofSeconds(30));
            assertEquals(2, outputs.size(), "one output per attributed click");
            for (var message : outputs) {
                var value = json.readTree(message.getValue());
                assertEquals(value.get("impressionId").asText(), message.getKey(), "keyed by impression id");
                attributed.add(value.get("clickId").asText() + " " + value.get("adId").asText() + " "
                        + value.get("campaign").asText());
            }
            // k3 meets both i3 impressions: the first shown 11 minutes before it is too old, the second is not.
            assertEquals(java.util.Set.of("k1 ad-i1 spring", "k3 ad-i3 summer"), attributed);
        } finally {
            launched.process().destroy();
            assertTrue(launched.process().waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM");
        }
        assertEquals(Examples.OK, result(launched).exitCode(), result(launched).stderr());
    }

    private static boolean subscribed(EmbeddedPulsar pulsar, String topic) {
        try {
            return pulsar.admin().topics().getStats(topic).getSubscriptions().values().stream()
                    .anyMatch(s -> !s.getConsumers().isEmpty());
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void wordCountRunsAsTwoInstancesNamedAndServedThroughTheEnvironment(EmbeddedPulsar pulsar) throws Exception {
        String input = TestTopics.unique("launcher-lines");
        String app = TestTopics.unique("launcher-wc");
        pulsar.admin().topics().createNonPartitionedTopic(input);
        Map<String, Long> expected = new HashMap<>();
        try (PulsarClient client = pulsar.newClient();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true)
                     .create()) {
            Sends sends = new Sends();
            for (int i = 0; i < 2000; i++) {
                String line = "word" + (i % 97) + " shared w" + (i % 13);
                WordCount.words(line).forEach(word -> expected.merge(word, 1L, Long::sum));
                sends.add(producer.newMessage().key("line-" + i).value(line).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
        }
        List<Launched> instances = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (String name : List.of("wc-a", "wc-b")) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            ports.add(port);
            instances.add(start(Map.of("TRIBUTARY_INSTANCE_ID", name, "TRIBUTARY_HTTP_PORT", Integer.toString(port),
                            "TRIBUTARY_KEY_GROUPS", "16"),
                    "word-count", "--service-url", pulsar.serviceUrl(), "--admin-url", pulsar.httpUrl(), "--input", input,
                    "--output", input + "-counts", "--application-id", app,
                    "--state-dir", temp.resolve(name).toString()));
        }
        try {
            Await.until("both instances to serve /health/ready and share the 16 key groups", Duration.ofSeconds(90),
                    () -> {
                        instances.forEach(launched -> assertTrue(launched.process().isAlive(), "an instance exited"));
                        long[] owned = {ownedKeyGroups(ports.get(0)), ownedKeyGroups(ports.get(1))};
                        return owned[0] > 0 && owned[1] > 0 && owned[0] + owned[1] == 16
                                && ready(ports.get(0)) && ready(ports.get(1));
                    });
            Map<String, Long> latest = new HashMap<>();
            try (PulsarClient client = pulsar.newClient();
                 var counts = client.newConsumer(Schema.INT64).topic(input + "-counts").subscriptionName("check")
                         .subscriptionInitialPosition(org.apache.pulsar.client.api.SubscriptionInitialPosition.Earliest)
                         .subscribe()) {
                Await.until("the final counts of both instances", Duration.ofSeconds(90), () -> {
                    try {
                        var message = counts.receive(200, TimeUnit.MILLISECONDS);
                        while (message != null) {
                            latest.put(message.getKey(), message.getValue());
                            message = counts.receive(0, TimeUnit.MILLISECONDS);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return latest.equals(expected);
                });
            }
            // Each instance answers for every word: its own from its store, the other's forwarded to it.
            for (int port : ports) {
                Await.until("instance on port " + port + " to answer every word's count", Duration.ofSeconds(30),
                        () -> answersEveryWord(port, expected));
            }
        } finally {
            for (Launched launched : instances) {
                launched.process().destroy();
            }
        }
        for (Launched launched : instances) {
            assertTrue(launched.process().waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM");
            Result result = result(launched);
            assertEquals(Examples.OK, result.exitCode(), result.stderr());
        }
        assertTrue(logMentions(instances.get(0), "running as instance 'wc-a'"), "instance a runs under its own name");
        assertTrue(logMentions(instances.get(1), "running as instance 'wc-b'"), "instance b runs under its own name");
    }

    /** Whether GET /stores/word-counts/keys/{word} on this port answers every word with its count. */
    private static boolean answersEveryWord(int port, Map<String, Long> expected) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            for (Map.Entry<String, Long> word : expected.entrySet()) {
                var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + port + "/stores/word-counts/keys/" + word.getKey())).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200
                        || json.readTree(response.body()).get("value").asLong() != word.getValue()) {
                    System.out.println("LauncherIT: word '" + word.getKey() + "' (" + word.getValue() + ") on port " + port
                            + ": " + response.statusCode() + " " + response.body());
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The issue's check as a user would run it: the broker in a JVM of its own, the job killed three times. */
    @Test
    void wordCountUnderExactlyOnceKilledThreeTimesCountsEveryWordExactlyOnce() throws Exception {
        String input = TestTopics.unique("eo-lines");
        String output = input + "-counts";
        String app = TestTopics.unique("eo-wc");
        try (dev.tributary.testkit.pulsar.BrokerProcess broker = dev.tributary.testkit.pulsar.BrokerProcess.start(
                temp.resolve("broker"), temp.resolve("broker.log"))) {
            wordCountKilledThreeTimes(broker.serviceUrl(), broker.httpUrl(), broker.admin(), input, output, app);
        }
    }

    private void wordCountKilledThreeTimes(String serviceUrl, String httpUrl,
                                           org.apache.pulsar.client.admin.PulsarAdmin admin, String input,
                                           String output, String app) throws Exception {
        admin.topics().createNonPartitionedTopic(input);
        Map<String, Long> expected = new HashMap<>();
        try (PulsarClient client = PulsarClient.builder().serviceUrl(serviceUrl).build();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true)
                     .create()) {
            Sends sends = new Sends();
            for (int i = 0; i < 40_000; i++) {
                String line = "word" + (i % 97) + " shared w" + (i % 13);
                WordCount.words(line).forEach(word -> expected.merge(word, 1L, Long::sum));
                sends.add(producer.newMessage().key("line-" + i).value(line).sendAsync());
            }
            producer.flush();
            sends.awaitAll(Duration.ofSeconds(60));
        }
        long total = expected.values().stream().mapToLong(Long::longValue).sum();
        Map<String, List<Long>> seen = new HashMap<>();
        Map<String, Long> latest = new HashMap<>();
        String[] command = {"word-count", "--service-url", serviceUrl, "--admin-url", httpUrl,
                "--input", input, "--output", output, "--application-id", app, "--guarantee", "exactly-once",
                "--state-dir", temp.resolve("eo-state").toString()};
        try (PulsarClient client = PulsarClient.builder().serviceUrl(serviceUrl).build();
             var counts = client.newConsumer(Schema.INT64).topic(output).subscriptionName("check")
                     .subscriptionInitialPosition(org.apache.pulsar.client.api.SubscriptionInitialPosition.Earliest)
                     .subscribe()) {
            Runnable drain = () -> {
                try {
                    var message = counts.receive(50, TimeUnit.MILLISECONDS);
                    while (message != null) {
                        seen.computeIfAbsent(message.getKey(), k -> new ArrayList<>()).add(message.getValue());
                        latest.put(message.getKey(), message.getValue());
                        message = counts.receive(0, TimeUnit.MILLISECONDS);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            for (double share : List.of(0.2, 0.45, 0.7)) {
                Launched job = start(Map.of("TRIBUTARY_HTTP_ENABLED", "false"), command);
                Await.until("the committed counts to reach " + share + " of the words", Duration.ofSeconds(120), () -> {
                    assertTrue(job.process().isAlive(), "the job exited by itself");
                    drain.run();
                    return latest.values().stream().mapToLong(Long::longValue).sum() >= share * total;
                });
                new ProcessBuilder("kill", "-9", Long.toString(job.process().pid())).start().waitFor();
                System.out.println("LauncherIT exactly-once: killed word-count at " + latest.values().stream()
                        .mapToLong(Long::longValue).sum() + " of " + total + " words counted");
                assertTrue(job.process().waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, job.process().exitValue(), "killed with SIGKILL");
            }
            Launched last = start(Map.of("TRIBUTARY_HTTP_ENABLED", "false"), command);
            try {
                Await.until("the final counts", Duration.ofSeconds(120), () -> {
                    drain.run();
                    return latest.equals(expected) || latest.entrySet().stream()
                            .anyMatch(e -> e.getValue() > expected.getOrDefault(e.getKey(), 0L));
                });
            } finally {
                last.process().destroy();
                assertTrue(last.process().waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM");
            }
        }
        assertEquals(expected, latest, "every word's count is exact");
        seen.forEach((word, values) -> {
            for (int i = 1; i < values.size(); i++) {
                assertTrue(values.get(i) > values.get(i - 1), word + "'s outputs are strictly increasing: " + values);
            }
        });
    }

    @Test
    void exactlyOnceAgainstABrokerWithoutTransactionsIsOneLineAndExitCode4() throws Exception {
        try (EmbeddedPulsar plain = EmbeddedPulsar.builder().withoutTransactions().build().start()) {
            Result result = launch(60, "word-count", "--service-url", plain.serviceUrl(), "--admin-url", plain.httpUrl(),
                    "--guarantee", "exactly-once", "--state-dir", temp.resolve("refused").toString());
            assertEquals(Examples.CANNOT_START, result.exitCode(), result.stderr());
            assertEquals(1, errorLines(result.stderr()), result.stderr());
            assertTrue(result.stderr().contains("error: processing.guarantee=exactly-once needs Pulsar transactions, but"
                    + " the broker at " + plain.httpUrl() + " has transactionCoordinatorEnabled=false"), result.stderr());
        }
    }

    private static boolean logMentions(Launched launched, String text) throws Exception {
        return Files.readString(launched.stdout(), StandardCharsets.UTF_8).contains(text)
                || Files.readString(launched.stderr(), StandardCharsets.UTF_8).contains(text);
    }

    private static String http(int port, String path) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + "\n" + response.body();
        } catch (Exception e) {
            return "-1\n" + e;
        }
    }

    private static boolean ready(int port) {
        return http(port, "/health/ready").startsWith("200");
    }

    private static long ownedKeyGroups(int port) {
        return http(port, "/metrics").lines().filter(line -> line.startsWith("tributary_key_groups_owned"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void deadLettersOfARunningJobAreReplayedAndRefusedOnesReported(EmbeddedPulsar pulsar) throws Exception {
        String input = TestTopics.unique("launcher-dlq");
        String app = TestTopics.unique("launcher-dlq");
        String topic = "persistent://public/default/" + input;
        String deadLetters = topic + "-" + app + "-DLQ";
        pulsar.admin().topics().createNonPartitionedTopic(input);
        pulsar.admin().schemas().createSchema(topic, Schema.JSON(Click.class).getSchemaInfo());
        try (PulsarClient client = pulsar.newClient()) {
            try (Producer<byte[]> producer = client.newProducer(Schema.BYTES).topic(input)
                    .blockIfQueueFull(true).create()) {
                producer.newMessage().key("u1").value("{\"user\": ".getBytes(StandardCharsets.UTF_8)).send();
            }
            Launched job = start("click-enrich", "--service-url", pulsar.serviceUrl(), "--admin-url", pulsar.httpUrl(),
                    "--input", input, "--output", input + "-out", "--application-id", app);
            Await.until("the job to dead-letter its input", Duration.ofSeconds(60),
                    () -> committedWhileAlive(pulsar, topic, app, job.process()));
            job.process().destroy();
            assertTrue(job.process().waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, pulsar.admin().topics().getStats(deadLetters).getMsgInCounter(), "one dead letter");

            // A dead letter whose cause was fixed elsewhere: a valid click.
            try (Producer<byte[]> producer = client.newProducer(Schema.BYTES).topic(deadLetters).create()) {
                producer.newMessage().key("u2").value(Schema.JSON(Click.class).encode(new Click("u2", "/", "Mozilla", 7)))
                        .property("tributary.error.source.topic", topic).property("tributary.error.kind", "processing")
                        .send();
            }
            try (var replayed = client.newConsumer(Schema.JSON(Click.class)).topic(input).subscriptionName("check")
                    .subscriptionInitialPosition(org.apache.pulsar.client.api.SubscriptionInitialPosition.Latest)
                    .subscribe()) {
                Result result = launch(60, "replay-dead-letters", "--service-url", pulsar.serviceUrl(),
                        "--dead-letter-topic", deadLetters);
                assertEquals(Examples.FAILED, result.exitCode(), result.stderr());
                assertTrue(result.stdout().contains("Replayed 1 dead letter(s); 1 left in the dead-letter topic."),
                        result.stdout());
                assertTrue(result.stderr().contains("not replayed:"), result.stderr());
                var message = replayed.receive(10, TimeUnit.SECONDS);
                assertEquals("u2", message.getKey());
                assertEquals(7, message.getValue().dwellMillis);
                assertTrue(message.hasProperty("tributary.replayed.from"));
            }
        }
    }

    /** Whether the job acknowledged all its input; fails at once if the job exited. */
    private static boolean committedWhileAlive(EmbeddedPulsar pulsar, String topic, String subscription,
                                               Process job) {
        assertTrue(job.isAlive(), "the job exited early");
        return committed(pulsar, topic, subscription);
    }

    private static boolean committed(EmbeddedPulsar pulsar, String topic, String subscription) {
        try {
            var subscriptions = pulsar.admin().topics().getStats(topic).getSubscriptions();
            return subscriptions.containsKey(subscription) && subscriptions.get(subscription).getMsgBacklog() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
