package dev.tributary.runtime.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.config.Secret;
import dev.tributary.runtime.Job;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobLauncherTest {
    static final ConfigOption<String> TOPIC = ConfigOption.key("demo.topic").stringType().defaultValue("in")
            .description("where");
    static final ConfigOption<Secret> PASSWORD = ConfigOption.key("demo.password").secretType()
            .description("a password");

    /** A service bound by the job's own module. */
    interface Suffix {
        String value();
    }

    public static final class DemoJob implements Job {
        final Suffix suffix;
        final MeterRegistry registry;

        @Inject
        public DemoJob(Suffix suffix, MeterRegistry registry) {
            this.suffix = suffix;
            this.registry = registry;
        }

        @Override
        public String name() {
            return "demo";
        }

        @Override
        public List<ConfigOption<?>> options() {
            return List.of(TOPIC, PASSWORD);
        }

        @Override
        public Topology topology(Configuration config) {
            StreamBuilder builder = new StreamBuilder();
            builder.stream(config.get(TOPIC), Schema.STRING).mapValues(v -> v + suffix.value()).to("out", Schema.STRING);
            return builder.build();
        }
    }

    static final class SuffixModule extends AbstractModule {
        @Override
        protected void configure() {
            bind(Suffix.class).toInstance(() -> "!");
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int launch(Map<String, String> env, String... args) {
        out.reset();
        err.reset();
        return new JobLauncher(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env)
                .launch(DemoJob.class, args, List.of(new SuffixModule()));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aDryRunShowsTheBannerWithOriginsAndMasksSecrets(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "demo.topic=from-file\ndemo.password=hunter2\ncomit.interval=5s\n");
        int code = launch(Map.of("TRIBUTARY_KEY_GROUPS", "16"), "--config", file.toString(), "--set", "demo.topic=from-flag",
                "--dry-run");
        assertEquals(JobLauncher.OK, code, stderr());
        String banner = stdout();
        assertTrue(banner.contains("job 'demo' (" + DemoJob.class.getName() + ")"), banner);
        assertTrue(banner.contains("topics: [from-flag]"), banner);
        assertTrue(banner.contains("demo.topic = from-flag   [flag]"), banner);
        assertTrue(banner.contains("key.groups = 16   [environment TRIBUTARY_KEY_GROUPS]"), banner);
        assertTrue(banner.contains("application.id = demo   [the job's name]"), banner);
        assertTrue(banner.contains("demo.password = ******   [file " + file + "]"), banner);
        assertFalse(banner.contains("hunter2") || stderr().contains("hunter2"));
        assertTrue(stderr().contains("warning: unknown setting 'comit.interval'") && stderr().contains(
                "did you mean 'commit.interval'?"), stderr());
    }

    @Test
    void describePrintsTheTopologyAloneInTheFormAskedFor() {
        assertEquals(JobLauncher.OK, launch(Map.of(), "--describe", "svg", "--set", "demo.topic=described"));
        assertTrue(stdout().startsWith("<svg ") && stdout().contains("described") && stdout().trim().endsWith("</svg>"),
                stdout());
        assertEquals(JobLauncher.OK, launch(Map.of(), "--describe", "dot"));
        assertTrue(stdout().startsWith("digraph topology {"), stdout());
        assertEquals(JobLauncher.USAGE, launch(Map.of(), "--describe", "pdf"));
        assertTrue(stderr().contains("error: --describe takes text, dot or svg, not 'pdf'"), stderr());
    }

    @Test
    void invalidSettingsUsageErrorsAndAnUnreachableBrokerHaveTheirExitCodes() {
        assertEquals(JobLauncher.INVALID, launch(Map.of(), "--set", "key.groups=0", "--dry-run"));
        assertTrue(stderr().contains("error: invalid value '0' for key.groups: must be between 1 and 65536"), stderr());
        assertEquals(JobLauncher.USAGE, launch(Map.of(), "--bogus"));
        assertEquals(JobLauncher.USAGE, launch(Map.of(), "--set", "novalue"));
        assertEquals(JobLauncher.CANNOT_START, launch(Map.of(), "--set", "pulsar.service.url=pulsar://127.0.0.1:1",
                "--set", "pulsar.admin.url=http://127.0.0.1:1", "--set", "http.port=0"));
        assertTrue(stderr().contains("error: cannot reach the Pulsar admin API at http://127.0.0.1:1"), stderr());
    }
}
