package dev.tributary.examples;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.examples.attribution.AdAttribution;
import dev.tributary.examples.attribution.AttributedClick;
import dev.tributary.examples.attribution.Click;
import dev.tributary.examples.attribution.Impression;
import dev.tributary.runtime.launcher.CommandLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/**
 * ad-attribution: clicks (--clicks) joined to the impressions (--impressions) they came from within
 * the window before them; see {@link AdAttribution}. Writes {@code --output}.
 */
final class AdAttributionExample implements ExampleJob {
    private static final ConfigOption<Duration> WINDOW = ConfigOption.key("window").durationType()
            .defaultValue(Duration.ofMinutes(10)).check(d -> !d.isNegative(), "must not be negative")
            .description("how long before a click its impression may have been shown");
    private static final ConfigOption<Duration> GRACE = ConfigOption.key("grace").durationType()
            .defaultValue(Duration.ofMinutes(1)).check(d -> !d.isNegative(), "must not be negative")
            .description("grace period");
    private static final String[] CAMPAIGNS = {"spring", "summer", "autumn", "winter"};

    private final Set<AttributedClick> expected = new HashSet<>();
    private int clicks;

    @Override
    public String name() {
        return "ad-attribution";
    }

    @Override
    public String description() {
        return "joins clicks (--clicks, JSON keyed by impression id) to impressions (--impressions, JSON keyed by"
                + " impression id) shown at most --window 10m before them [--grace 1m]; JSON attributed clicks out";
    }

    @Override
    public String inputOption() {
        return "clicks";
    }

    @Override
    public String defaultInput() {
        return "clicks";
    }

    @Override
    public String defaultOutput() {
        return "attributed-clicks";
    }

    private static String impressions(CommandLine args) {
        return args.get("impressions", "impressions");
    }

    @Override
    public Topology topology(String input, String output, CommandLine args) {
        return AdAttribution.topology(impressions(args), input, output, WINDOW.parse(args.get("window", "10m")),
                GRACE.parse(args.get("grace", "1m")));
    }

    private record Event(long time, String key, Object value) {
    }

    /**
     * Impressions 200 ms apart in event time; two in five clicked, up to 15 minutes later (so some
     * clicks come too late to be attributed), and a few clicks for impressions never shown. Both
     * topics are published in event-time order.
     */
    @Override
    public int feed(PulsarClient client, String input, int records, CommandLine args) throws Exception {
        Duration window = WINDOW.parse(args.get("window", "10m"));
        Random random = new Random(9);
        List<Event> events = new ArrayList<>();
        expected.clear();
        clicks = 0;
        long start = System.currentTimeMillis() - Duration.ofHours(3).toMillis();
        for (int i = 0; i < records; i++) {
            long shownAt = start + i * 200L;
            Impression impression = new Impression("i" + i, "ad" + random.nextInt(20),
                    CAMPAIGNS[random.nextInt(CAMPAIGNS.length)]);
            events.add(new Event(shownAt, impression.impressionId, impression));
            if (random.nextInt(5) < 2) {
                long clickedAt = shownAt + random.nextInt((int) Duration.ofMinutes(15).toMillis());
                Click click = new Click("k" + i, impression.impressionId);
                events.add(new Event(clickedAt, click.impressionId, click));
                if (clickedAt - shownAt <= window.toMillis()) {
                    expected.add(new AttributedClick(click, impression));
                }
            } else if (random.nextInt(50) == 0) {
                events.add(new Event(shownAt + 1_000, "unknown" + i, new Click("k" + i, "unknown" + i)));
            }
        }
        events.sort(Comparator.comparingLong(Event::time));
        try (Producer<Impression> shown = client.newProducer(AdAttribution.IMPRESSIONS).topic(impressions(args))
                .enableBatching(false).blockIfQueueFull(true).create();
             Producer<Click> clicked = client.newProducer(AdAttribution.CLICKS).topic(input)
                     .enableBatching(false).blockIfQueueFull(true).create()) {
            for (Event event : events) {
                if (event.value instanceof Impression impression) {
                    shown.newMessage().key(event.key).value(impression).eventTime(event.time).sendAsync();
                } else {
                    clicked.newMessage().key(event.key).value((Click) event.value).eventTime(event.time).sendAsync();
                    clicks++;
                }
            }
            shown.flush();
            clicked.flush();
        }
        return events.size();
    }

    @Override
    public Schema<?> outputSchema(CommandLine args) {
        return AdAttribution.OUTPUT;
    }

    @Override
    public String summarize(List<? extends Message<?>> outputs, int inputs) {
        Set<AttributedClick> attributed = new HashSet<>();
        for (Message<?> message : outputs) {
            attributed.add((AttributedClick) message.getValue());
        }
        return inputs + " impressions and clicks in (" + clicks + " clicks), " + outputs.size()
                + " attributed clicks out\nattributed clicks " + (attributed.equals(expected)
                && outputs.size() == expected.size() ? "match" : "DO NOT match")
                + " the clicks whose impression was shown at most the window before them";
    }
}
