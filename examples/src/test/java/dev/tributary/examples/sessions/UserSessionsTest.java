package dev.tributary.examples.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.TestInputTopic;
import dev.tributary.testkit.TestRecord;
import dev.tributary.testkit.TopologyTestDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class UserSessionsTest {
    @Test
    void eachUsersBurstsBecomeOneSessionEach() {
        Duration gap = Duration.ofMinutes(30);
        Configuration config = Configuration.of(Map.of("windows.idle.advance", "1s"));
        try (TopologyTestDriver driver = new TopologyTestDriver(UserSessions.topology("views", "sessions", gap,
                Duration.ofMinutes(1)), config)) {
            TestInputTopic<String, String> views = driver.createInputTopic("views", Schema.STRING);
            Random random = new Random(3);
            Map<String, long[]> open = new HashMap<>();
            Map<String, Long> expected = new HashMap<>();
            long time = 0;
            for (int i = 0; i < 2_000; i++) {
                time += random.nextInt((int) (gap.toMillis() / 10));
                String user = "user-" + random.nextInt(25);
                long[] session = open.get(user);
                if (session == null || time - session[1] > gap.toMillis()) {
                    session = new long[] {time, time};
                    open.put(user, session);
                }
                session[1] = time;
                expected.merge(user + "@" + session[0], 1L, Long::sum);
                views.pipeInput(user, "/page" + random.nextInt(5), Instant.ofEpochMilli(time));
            }
            // The virtual wall clock moves past the last view: quiet key groups close their sessions.
            driver.advanceWallClockTime(Duration.ofMillis(time).plus(gap).plus(Duration.ofMinutes(5)));
            driver.advanceWallClockTime(Duration.ofSeconds(2));
            List<TestRecord<String, UserSession>> sessions = driver.createOutputTopic("sessions", Schema.STRING,
                    UserSessions.OUTPUT_SCHEMA).readRecordsToList();
            Map<String, Long> got = new HashMap<>();
            for (TestRecord<String, UserSession> record : sessions) {
                assertEquals(record.key(), record.value().user);
                assertTrue(record.value().end > record.value().start);
                assertEquals(null, got.put(record.key() + "@" + record.value().start, record.value().events),
                        "each session once");
            }
            assertEquals(expected, got);
        }
    }
}
