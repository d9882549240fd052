package dev.tributary.examples.attribution;

import java.util.Objects;

/**
 * A click with the impression it came from, shown at most the window before it:
 * {@code {"clickId", "impressionId", "adId", "campaign"}}, keyed by impression id, at the click's time.
 */
public final class AttributedClick {
    /** The click's id. */
    public String clickId;
    /** The impression clicked; also the message key. */
    public String impressionId;
    /** The ad shown. */
    public String adId;
    /** The ad's campaign. */
    public String campaign;

    /** For the JSON schema. */
    public AttributedClick() {
    }

    /**
     * @param click the click
     * @param impression the impression it came from
     */
    public AttributedClick(Click click, Impression impression) {
        this.clickId = click.clickId;
        this.impressionId = click.impressionId;
        this.adId = impression.adId;
        this.campaign = impression.campaign;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AttributedClick that && Objects.equals(clickId, that.clickId)
                && Objects.equals(impressionId, that.impressionId) && Objects.equals(adId, that.adId)
                && Objects.equals(campaign, that.campaign);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clickId, impressionId, adId, campaign);
    }

    @Override
    public String toString() {
        return "{\"clickId\": \"" + clickId + "\", \"impressionId\": \"" + impressionId + "\", \"adId\": \"" + adId
                + "\", \"campaign\": \"" + campaign + "\"}";
    }
}
