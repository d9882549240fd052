package dev.tributary.examples.clicks;

/** A human click with the facts analysts want, written as Avro. */
public class EnrichedClick {
    /** Who clicked. */
    public String userId;
    /** The page's URL path. */
    public String url;
    /** The site section: the first path segment, such as {@code shop}, or {@code home}. */
    public String section;
    /** {@code mobile} or {@code desktop}, from the user agent. */
    public String device;
    /** Whether the user stayed at least 10 seconds. */
    public boolean engaged;

    /** For the Avro decoder. */
    public EnrichedClick() {
    }

    @Override
    public String toString() {
        return "{user=" + userId + ", section=" + section + ", device=" + device + ", engaged=" + engaged + ", url=" + url + "}";
    }
}
