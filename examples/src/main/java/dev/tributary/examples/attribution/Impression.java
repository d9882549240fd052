package dev.tributary.examples.attribution;

/**
 * An ad shown to someone, keyed by its impression id, at its message's event time:
 * {@code {"impressionId": "i17", "adId": "ad3", "campaign": "spring"}}.
 */
public final class Impression {
    /** The impression's id; also the message key. */
    public String impressionId;
    /** The ad shown. */
    public String adId;
    /** The campaign the ad belongs to. */
    public String campaign;

    /** For the JSON schema. */
    public Impression() {
    }

    /**
     * @param impressionId the impression's id
     * @param adId the ad shown
     * @param campaign the ad's campaign
     */
    public Impression(String impressionId, String adId, String campaign) {
        this.impressionId = impressionId;
        this.adId = adId;
        this.campaign = campaign;
    }
}
