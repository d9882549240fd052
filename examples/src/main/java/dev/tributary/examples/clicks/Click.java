package dev.tributary.examples.clicks;

/** A click as the web tier publishes it, as JSON. */
public class Click {
    /** Who clicked. */
    public String userId;
    /** The page's URL path, such as {@code /shop/cart}. */
    public String url;
    /** The browser's user agent. */
    public String userAgent;
    /** How long the page was shown, in milliseconds. */
    public long dwellMillis;

    /** For the JSON decoder. */
    public Click() {
    }

    /**
     * Creates a click.
     *
     * @param userId who clicked
     * @param url the page path
     * @param userAgent the user agent
     * @param dwellMillis time on the page
     */
    public Click(String userId, String url, String userAgent, long dwellMillis) {
        this.userId = userId;
        this.url = url;
        this.userAgent = userAgent;
        this.dwellMillis = dwellMillis;
    }
}
