package dev.tributary.examples.enrichment;

/** An order as placed, keyed by its customer: {@code {"orderId": "o1", "customerId": "c7", "amount": 12.5}}. */
public final class PlacedOrder {
    /** The order's id. */
    public String orderId;
    /** Who placed it; also the message key. */
    public String customerId;
    /** How much it is for. */
    public double amount;

    /** For the JSON schema. */
    public PlacedOrder() {
    }

    /**
     * @param orderId the order's id
     * @param customerId who placed it
     * @param amount how much it is for
     */
    public PlacedOrder(String orderId, String customerId, double amount) {
        this.orderId = orderId;
        this.customerId = customerId;
        this.amount = amount;
    }
}
