package dev.tributary.examples.clicks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.KeyValue;
import dev.tributary.testkit.TestInputTopic;
import dev.tributary.testkit.TopologyTestDriver;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class ClickEnrichmentTest {

    @Test
    void dropsBotsAndEnrichesHumanClicksKeepingTheUserKey() {
        try (TopologyTestDriver driver = new TopologyTestDriver(ClickEnrichment.topology("clicks", "enriched"))) {
            TestInputTopic<String, Click> clicks = driver.createInputTopic("clicks", Schema.JSON(Click.class));
            clicks.pipeInput("u1", new Click("u1", "/shop/cart", "Mozilla/5.0 (iPhone; Mobile)", 12_000));
            clicks.pipeInput("bot", new Click("bot", "/shop/cart", "Googlebot/2.1", 5));
            clicks.pipeInput("u2", new Click("u2", "/", "Mozilla/5.0 (Windows NT 10.0)", 500));
            clicks.pipeInput("u3", new Click("u3", null, "Mozilla/5.0", 500));

            List<KeyValue<String, EnrichedClick>> out = driver
                    .createOutputTopic("enriched", Schema.STRING, Schema.AVRO(EnrichedClick.class)).readKeyValuesToList();
            assertEquals(2, out.size());
            EnrichedClick first = out.get(0).value();
            assertEquals("u1", out.get(0).key());
            assertEquals("shop", first.section);
            assertEquals("mobile", first.device);
            assertTrue(first.engaged);
            EnrichedClick second = out.get(1).value();
            assertEquals("home", second.section);
            assertEquals("desktop", second.device);
            assertFalse(second.engaged);
        }
    }
}
