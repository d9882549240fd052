package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.examples.sessions.UserSession;
import dev.tributary.examples.sessions.UserSessions;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.launcher.CommandLine;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/** user-sessions: page views per user cut into sessions by a 30 minute gap; see {@link UserSessions}. */
final class UserSessionsExample implements ExampleJob {
    private static final ConfigOption<Duration> GAP = ConfigOption.key("gap").durationType()
            .defaultValue(Duration.ofMinutes(30)).check(d -> d.toMillis() >= 1, "must be at least 1ms")
            .description("inactivity gap");
    private static final ConfigOption<Duration> GRACE = ConfigOption.key("grace").durationType()
            .defaultValue(Duration.ofMinutes(1)).check(d -> !d.isNegative(), "must not be negative")
            .description("grace period");
    private static final String[] PAGES = {"/home", "/search", "/product", "/cart", "/checkout", "/help"};

    private final Map<String, Long> expected = new HashMap<>();

    @Override
    public String name() {
        return "user-sessions";
    }

    @Override
    public String description() {
        return "cuts page views (key: user, value: page) into sessions per user [--gap 30m] [--grace 1m];"
                + " JSON sessions out, each once it closed";
    }

    @Override
    public String defaultInput() {
        return "page-views";
    }

    @Override
    public String defaultOutput() {
        return "user-sessions";
    }

    @Override
    public Topology topology(String input, String output, CommandLine args) {
        return UserSessions.topology(input, output, GAP.parse(args.get("gap", "30m")), GRACE.parse(args.get("grace", "1m")));
    }

    @Override
    public Map<ConfigOption<?>, String> demoSettings(CommandLine args) {
        return Map.of(RuntimeOptions.IDLE_ADVANCE, "1s");
    }

    @Override
    public Duration demoSettle() {
        return Duration.ofSeconds(5);
    }

    @Override
    public int feed(PulsarClient client, String input, int records, CommandLine args) throws Exception {
        long gap = GAP.parse(args.get("gap", "30m")).toMillis();
        long grace = GRACE.parse(args.get("grace", "1m")).toMillis();
        Random random = new Random(3);
        expected.clear();
        int users = 25;
        // Views in time order across users, a minute and a half apart on average, ending well in the past: a
        // user unseen for more than the gap starts a new session.
        long[] times = new long[records];
        long span = 0;
        for (int i = 0; i < records; i++) {
            span += random.nextInt((int) Math.max(1, gap / 10));
            times[i] = span;
        }
        long first = System.currentTimeMillis() - 2 * (gap + grace) - span;
        Map<String, long[]> open = new HashMap<>();
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(input).blockIfQueueFull(true)
                .create()) {
            for (int i = 0; i < records; i++) {
                long time = first + times[i];
                String user = "user-" + random.nextInt(users);
                long[] session = open.get(user);
                if (session == null || time - session[1] > gap) {
                    session = new long[] {time, time};
                    open.put(user, session);
                }
                session[1] = time;
                expected.merge(user + "@" + session[0], 1L, Long::sum);
                producer.newMessage().key(user).value(PAGES[random.nextInt(PAGES.length)]).eventTime(time).sendAsync();
            }
            producer.flush();
        }
        return records;
    }

    @Override
    public Schema<?> outputSchema(CommandLine args) {
        return UserSessions.OUTPUT_SCHEMA;
    }

    @Override
    public String summarize(List<? extends Message<?>> outputs, int inputs) {
        Map<String, Long> sessions = new HashMap<>();
        for (Message<?> message : outputs) {
            UserSession session = (UserSession) message.getValue();
            sessions.put(session.user + "@" + session.start, session.events);
        }
        return inputs + " page views in, " + outputs.size() + " sessions out\nsessions "
                + (sessions.equals(expected) ? "match" : "DO NOT match") + " the views published";
    }
}
