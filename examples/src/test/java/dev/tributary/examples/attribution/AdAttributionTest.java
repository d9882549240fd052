package dev.tributary.examples.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.testkit.TestInputTopic;
import dev.tributary.testkit.TopologyTestDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class AdAttributionTest {
    @Test
    void aClickIsAttributedToItsImpressionOnlyWithinTheWindowBeforeIt() {
        try (TopologyTestDriver driver = new TopologyTestDriver(AdAttribution.topology("impressions", "clicks", "out",
                Duration.ofMinutes(10), Duration.ofMinutes(1)))) {
            TestInputTopic<String, Impression> shown = driver.createInputTopic("impressions", Schema.STRING,
                    AdAttribution.IMPRESSIONS);
            TestInputTopic<String, Click> clicked = driver.createInputTopic("clicks", Schema.STRING, AdAttribution.CLICKS);
            Instant t = Instant.parse("2026-01-01T12:00:00Z");
            shown.pipeInput("i1", new Impression("i1", "ad1", "spring"), t);
            shown.pipeInput("i2", new Impression("i2", "ad2", "summer"), t);
            clicked.pipeInput("i1", new Click("k1", "i1"), t.plus(Duration.ofMinutes(10)));
            clicked.pipeInput("i2", new Click("k2", "i2"), t.plus(Duration.ofMinutes(10)).plusMillis(1));
            clicked.pipeInput("i3", new Click("k3", "i3"), t.plus(Duration.ofMinutes(10)).plusMillis(1));
            // Shown after the click is out of order inside the grace, but after the click: not its source.
            shown.pipeInput("i3", new Impression("i3", "ad3", "autumn"), t.plus(Duration.ofMinutes(11)));
            List<String> attributed = driver.createOutputTopic("out", Schema.STRING, AdAttribution.OUTPUT)
                    .readRecordsToList().stream().map(r -> r.key() + " " + r.value() + " @"
                            + Duration.between(t, r.timestamp()).toMinutes()).toList();
            assertEquals(List.of("i1 {\"clickId\": \"k1\", \"impressionId\": \"i1\", \"adId\": \"ad1\", \"campaign\":"
                    + " \"spring\"} @10"), attributed);
        }
    }
}
