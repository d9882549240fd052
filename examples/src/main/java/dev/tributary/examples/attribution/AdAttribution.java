package dev.tributary.examples.attribution;

import dev.tributary.dsl.Consumed;
import dev.tributary.dsl.JoinWindows;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.StreamJoined;
import dev.tributary.dsl.Topology;
import java.time.Duration;
import org.apache.pulsar.client.api.Schema;

/**
 * Clicks joined to the impression they came from when it was shown at most the window before the
 * click (by event time): a windowed stream-stream join on the impression id. A click with no such
 * impression (too late, or an unknown id) is not attributed and gives nothing. Both topics are keyed
 * by impression id, so a click and its impression meet in one key group whatever the partition counts.
 */
public final class AdAttribution {
    /** The impressions' schema. */
    public static final Schema<Impression> IMPRESSIONS = Schema.JSON(Impression.class);
    /** The clicks' schema. */
    public static final Schema<Click> CLICKS = Schema.JSON(Click.class);
    /** The output's schema. */
    public static final Schema<AttributedClick> OUTPUT = Schema.JSON(AttributedClick.class);

    private AdAttribution() {
    }

    /**
     * @param impressions the impressions topic
     * @param clicks the clicks topic
     * @param output where attributed clicks go
     * @param window how long before a click its impression may have been shown
     * @param grace how long after that records out of order still join
     * @return the topology
     */
    public static Topology topology(String impressions, String clicks, String output, Duration window, Duration grace) {
        StreamBuilder builder = new StreamBuilder();
        var shown = builder.stream(impressions, Consumed.with(Schema.STRING, IMPRESSIONS));
        builder.stream(clicks, Consumed.with(Schema.STRING, CLICKS))
                // The impression before the click, never after it.
                .join(shown, AttributedClick::new, JoinWindows.ofTimeDifferenceAndGrace(window, grace)
                        .after(Duration.ZERO), StreamJoined.<String, Click, Impression>as("attribution"))
                .to(output, Produced.with(Schema.STRING, OUTPUT).withName("attributed-clicks"));
        return builder.build();
    }
}
