package dev.tributary.examples.sessions;

import dev.tributary.dsl.EmitStrategy;
import dev.tributary.dsl.KeyValue;
import dev.tributary.dsl.Named;
import dev.tributary.dsl.Produced;
import dev.tributary.dsl.SessionWindows;
import dev.tributary.dsl.StreamBuilder;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.state.Materialized;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pulsar.client.api.Schema;

/**
 * Sessionizes page views: records keyed by user with the page as value in, one JSON session per user
 * and burst of activity out, once the session has closed (no event for the gap, plus the grace). Views
 * are timed by their event time, else their publish time; a view for a session already closed goes to
 * the late-records topic.
 */
public final class UserSessions {
    /** The JSON schema of the output values. */
    public static final Schema<UserSession> OUTPUT_SCHEMA = Schema.JSON(UserSession.class);
    /** The pages of a session as stored: distinct, in the order first seen. */
    private static final Schema<Pages> PAGES = Schema.JSON(Pages.class);

    private UserSessions() {
    }

    /** A session's aggregate in its store. */
    public static final class Pages {
        /** The session's events. */
        public long events;
        /** The distinct pages. */
        public List<String> pages = new ArrayList<>();

        /** For the JSON schema. */
        public Pages() {
        }

        Pages add(String page) {
            Pages next = new Pages();
            next.events = events + 1;
            next.pages = new ArrayList<>(pages);
            if (!next.pages.contains(page)) {
                next.pages.add(page);
            }
            return next;
        }

        Pages merge(Pages later) {
            Pages next = new Pages();
            next.events = events + later.events;
            next.pages = new ArrayList<>(pages);
            later.pages.stream().filter(p -> !next.pages.contains(p)).forEach(next.pages::add);
            return next;
        }
    }

    /**
     * The topology.
     *
     * @param input the topic of page views (key: user, value: page)
     * @param output the topic of sessions
     * @param gap the inactivity gap that ends a session
     * @param grace how long after that records still count
     * @return the topology
     */
    public static Topology topology(String input, String output, Duration gap, Duration grace) {
        StreamBuilder builder = new StreamBuilder();
        builder.stream(input, Schema.STRING)
                .groupByKey()
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(gap, grace))
                .emit(EmitStrategy.onWindowClose())
                .aggregate(Pages::new, (user, page, pages) -> pages.add(page), (user, a, b) -> a.merge(b),
                        Materialized.<String, Pages>as("user-sessions").withValueSchema(PAGES))
                .toStream(Named.as("closed-sessions"))
                .map((session, pages) -> {
                    UserSession value = new UserSession();
                    value.user = session.key();
                    value.start = session.start();
                    value.end = session.end();
                    value.events = pages.events;
                    value.pages = pages.pages;
                    return KeyValue.pair(session.key(), value);
                }, Named.as("to-json"))
                .to(output, Produced.with(Schema.STRING, OUTPUT_SCHEMA).withName("session-output"));
        return builder.build();
    }
}
