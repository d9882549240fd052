package dev.tributary.examples.sessions;

/**
 * One user session, as the user-sessions example writes it: the JSON value
 * {@code {"user": ..., "start": <epoch ms>, "end": <epoch ms>, "events": <n>, "pages": <distinct pages>}}.
 */
public final class UserSession {
    /** The user. */
    public String user;
    /** The first event's time, in epoch milliseconds. */
    public long start;
    /** Just after the last event's time, in epoch milliseconds (exclusive). */
    public long end;
    /** The session's events. */
    public long events;
    /** The distinct pages visited, in the order first seen. */
    public java.util.List<String> pages = new java.util.ArrayList<>();

    /** For the JSON schema. */
    public UserSession() {
    }

    /** The JSON form, as written to the output topic. */
    @Override
    public String toString() {
        return "{\"user\": \"" + user + "\", \"start\": " + start + ", \"end\": " + end + ", \"events\": " + events
                + ", \"pages\": " + pages + "}";
    }
}
