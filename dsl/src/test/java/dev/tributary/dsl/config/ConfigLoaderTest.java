package dev.tributary.dsl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final ConfigOption<String> URL = ConfigOption.key("pulsar.service.url").stringType()
            .defaultValue("pulsar://localhost:6650").description("where");
    static final ConfigOption<Duration> INTERVAL = ConfigOption.key("commit.interval").durationType()
            .defaultValue(Duration.ofMillis(100)).description("how often");
    static final ConfigOption<Integer> GROUPS = ConfigOption.key("key.groups").intType().defaultValue(64)
            .check(n -> n > 0, "must be positive").description("how many");
    static final ConfigOption<Secret> TOKEN = ConfigOption.key("pulsar.auth.token").secretType()
            .description("the token");
    static final List<ConfigOption<?>> KNOWN = List.of(URL, INTERVAL, GROUPS, TOKEN);

    @TempDir
    Path dir;

    @Test
    void flagsBeatTheEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "pulsar.service.url=pulsar://from-file:6650\ncommit.interval=5s\nkey.groups=8\n");
        ConfigLoader.Loaded loaded = ConfigLoader.load(KNOWN, file,
                Map.of("TRIBUTARY_COMMIT_INTERVAL", "2s", "TRIBUTARY_KEY_GROUPS", "16", "PATH", "/bin"),
                Map.of("key.groups", "32"));
        Configuration config = loaded.configuration();
        assertEquals("pulsar://from-file:6650", config.get(URL));
        assertEquals(Duration.ofSeconds(2), config.get(INTERVAL));
        assertEquals(32, config.get(GROUPS));
        assertEquals("file " + file, loaded.origins().get("pulsar.service.url"));
        assertEquals("environment TRIBUTARY_COMMIT_INTERVAL", loaded.origins().get("commit.interval"));
        assertEquals("flag", loaded.origins().get("key.groups"));
        assertEquals(List.of(), loaded.warnings());
        assertEquals("TRIBUTARY_PULSAR_SERVICE_URL", URL.environmentVariable());
    }

    @Test
    void unknownKeysWarnWithTheClosestKnownKey() throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "comit.interval=5s\n");
        ConfigLoader.Loaded loaded = ConfigLoader.load(KNOWN, file, Map.of("TRIBUTARY_KEY_GROUP", "4"),
                Map.of("pulsar.servce.url", "pulsar://x:6650"));
        assertEquals(3, loaded.warnings().size(), loaded.warnings().toString());
        assertTrue(loaded.warnings().get(0).contains("unknown setting 'comit.interval' (file " + file
                + ") (did you mean 'commit.interval'?)"), loaded.warnings().get(0));
        assertTrue(loaded.warnings().get(1).contains("unknown environment variable TRIBUTARY_KEY_GROUP"
                + " (did you mean 'TRIBUTARY_KEY_GROUPS'?)"), loaded.warnings().get(1));
        assertTrue(loaded.warnings().get(2).contains("(did you mean 'pulsar.service.url'?)"), loaded.warnings().get(2));
    }

    @Test
    void anInvalidValueNamesTheKeyTheValueAndTheRule() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(KNOWN, null, Map.of(),
                Map.of("key.groups", "-3")).configuration().get(GROUPS));
        assertEquals("invalid value '-3' for key.groups: must be positive", e.getMessage());
        assertEquals("key.groups", e.key());
        ConfigException file = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(KNOWN, dir.resolve("missing.properties"), Map.of(), Map.of()));
        assertTrue(file.getMessage().contains("cannot read the configuration file"), file.getMessage());
    }

    @Test
    void secretsNeverShow() {
        Configuration config = ConfigLoader.load(KNOWN, null, Map.of("TRIBUTARY_PULSAR_AUTH_TOKEN", "s3cr3t-token"),
                Map.of("other.password", "hunter2", "key.groups", "4")).configuration();
        assertEquals("s3cr3t-token", config.get(TOKEN).reveal());
        assertEquals(Secret.MASK, config.get(TOKEN).toString());
        String banner = config.describe(KNOWN);
        assertFalse(banner.contains("s3cr3t") || banner.contains("hunter2"), banner);
        assertTrue(banner.contains("key.groups = 4") && banner.contains("pulsar.auth.token = " + Secret.MASK), banner);
        assertFalse(config.toString().contains("s3cr3t"), config.toString());
        ConfigOption<Secret> checked = ConfigOption.key("tls.password").secretType()
                .check(s -> s.reveal().length() >= 8, "must have at least 8 characters").description("a password");
        ConfigException e = assertThrows(ConfigException.class,
                () -> Configuration.empty().with("tls.password", "short").get(checked));
        assertFalse(e.getMessage().contains("short"), e.getMessage());
        assertTrue(e.getMessage().contains(Secret.MASK), e.getMessage());
    }
}
