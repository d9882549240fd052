package dev.tributary.examples.clicks;

import dev.tributary.dsl.Named;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import java.util.Locale;
import org.apache.pulsar.client.api.Schema;

/**
 * Filters bots out of a click stream and enriches the rest: clicks arrive as JSON keyed by user,
 * bot traffic and malformed clicks are dropped, each human click gets its site section, device
 * class and engagement flag, and the result is written as Avro, still keyed by user so each user's
 * clicks stay in order.
 */
public final class ClickEnrichment {
    private ClickEnrichment() {
    }

    /**
     * The topology.
     *
     * @param input the topic of raw clicks (JSON {@link Click})
     * @param output the topic of enriched clicks (Avro {@link EnrichedClick})
     * @return the topology
     */
    public static Topology topology(String input, String output) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.JSON(Click.class))
                .filter((user, click) -> click != null && click.url != null, Named.as("well-formed"))
                .filterNot((user, click) -> isBot(click.userAgent), Named.as("drop-bots"))
                .mapValues(ClickEnrichment::enrich, Named.as("enrich"))
                .to(output, Produced.<String, EnrichedClick>with(Schema.STRING, Schema.AVRO(EnrichedClick.class))
                        .withName("enriched-clicks"));
        return builder.build();
    }

    static boolean isBot(String userAgent) {
        String agent = userAgent == null ? "" : userAgent.toLowerCase(Locale.ROOT);
        return agent.contains("bot") || agent.contains("crawler") || agent.contains("spider");
    }

    static EnrichedClick enrich(Click click) {
        EnrichedClick out = new EnrichedClick();
        out.userId = click.userId;
        out.url = click.url;
        String[] segments = click.url.split("/");
        out.section = segments.length > 1 && !segments[1].isEmpty() ? segments[1] : "home";
        String agent = click.userAgent == null ? "" : click.userAgent.toLowerCase(Locale.ROOT);
        out.device = agent.contains("mobile") || agent.contains("android") || agent.contains("iphone") ? "mobile" : "desktop";
        out.engaged = click.dwellMillis >= 10_000;
        return out;
    }
}
