package dev.tributary.examples.enrichment;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * An order with its customer as they were when the order was processed:
 * {@code {"orderId", "customerId", "amount", "name", "tier"}}, with {@code name} and {@code tier} null
 * when the customer is unknown or deleted.
 */
public final class EnrichedOrder {
    /** The order's id. */
    public String orderId;
    /** Who placed it; also the message key. */
    public String customerId;
    /** How much it is for. */
    public double amount;
    /** The customer's name, or null (written as null, not left out). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public String name;
    /** The customer's tier, or null (written as null, not left out). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public String tier;

    /** For the JSON schema. */
    public EnrichedOrder() {
    }

    /**
     * @param order the order
     * @param customer its customer, or null if unknown or deleted
     */
    public EnrichedOrder(PlacedOrder order, Customer customer) {
        this.orderId = order.orderId;
        this.customerId = order.customerId;
        this.amount = order.amount;
        this.name = customer == null ? null : customer.name;
        this.tier = customer == null ? null : customer.tier;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EnrichedOrder that && Objects.equals(orderId, that.orderId)
                && Objects.equals(customerId, that.customerId) && amount == that.amount
                && Objects.equals(name, that.name) && Objects.equals(tier, that.tier);
    }

    @Override
    public int hashCode() {
        return Objects.hash(orderId, customerId, amount, name, tier);
    }

    @Override
    public String toString() {
        return "{\"orderId\": \"" + orderId + "\", \"customerId\": \"" + customerId + "\", \"amount\": " + amount
                + ", \"name\": " + quoted(name) + ", \"tier\": " + quoted(tier) + "}";
    }

    private static String quoted(String text) {
        return text == null ? "null" : "\"" + text + "\"";
    }
}
