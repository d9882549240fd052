package dev.tributary.dsl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationTest {
    static final ConfigOption<Duration> INTERVAL = ConfigOption.key("commit.interval").durationType()
            .defaultValue(Duration.ofMillis(100)).check(d -> !d.isZero() && !d.isNegative(), "must be positive")
            .description("How often.");
    static final ConfigOption<Integer> GROUPS = ConfigOption.key("key.groups").intType().defaultValue(64)
            .check(n -> n >= 1 && n <= 65536, "must be between 1 and 65536").description("Groups.");
    static final ConfigOption<String> ID = ConfigOption.key("application.id").stringType().required()
            .description("The job's name.");
    static final ConfigOption<Instant> FROM = ConfigOption.key("replay.from").instantType().description("From.");

    @Test
    void parsesTypedValuesAndDefaults() {
        Configuration config = Configuration.of(Map.of("commit.interval", "2s", "key.groups", "128",
                "replay.from", "2026-01-31T12:00:00Z"));
        assertEquals(Duration.ofSeconds(2), config.get(INTERVAL));
        assertEquals(128, config.get(GROUPS));
        assertEquals(Instant.parse("2026-01-31T12:00:00Z"), config.get(FROM));
        assertEquals(Duration.ofMillis(100), Configuration.empty().get(INTERVAL));
        assertEquals(Duration.ofMillis(250), Configuration.empty().with(INTERVAL, Duration.ofMillis(250)).get(INTERVAL));
    }

    @Test
    void invalidValuesNameTheKeyTheValueAndTheRule() {
        ConfigException bad = assertThrows(ConfigException.class,
                () -> Configuration.of(Map.of("key.groups", "0")).get(GROUPS));
        assertEquals("invalid value '0' for key.groups: must be between 1 and 65536", bad.getMessage());
        bad = assertThrows(ConfigException.class, () -> Configuration.of(Map.of("commit.interval", "soon")).get(INTERVAL));
        assertEquals("commit.interval", bad.key());
        bad = assertThrows(ConfigException.class, () -> Configuration.empty().get(ID));
        assertEquals("missing required setting application.id: The job's name.", bad.getMessage());
    }
}
