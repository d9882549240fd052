package dev.tributary.examples.attribution;

/**
 * A click on an ad, keyed by the id of the impression it came from (the ad server puts it in the
 * click's link), at its message's event time: {@code {"clickId": "k5", "impressionId": "i17"}}.
 */
public final class Click {
    /** The click's id. */
    public String clickId;
    /** The impression clicked; also the message key. */
    public String impressionId;

    /** For the JSON schema. */
    public Click() {
    }

    /**
     * @param clickId the click's id
     * @param impressionId the impression clicked
     */
    public Click(String clickId, String impressionId) {
        this.clickId = clickId;
        this.impressionId = impressionId;
    }
}
