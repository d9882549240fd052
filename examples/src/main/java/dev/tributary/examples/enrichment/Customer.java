package dev.tributary.examples.enrichment;

/**
 * A customer row, keyed by its id: {@code {"customerId": "c7", "name": "Ada", "tier": "gold"}}; a
 * message with no value deletes the customer.
 */
public final class Customer {
    /** The customer's id; also the message key. */
    public String customerId;
    /** The customer's name. */
    public String name;
    /** The customer's tier. */
    public String tier;

    /** For the JSON schema. */
    public Customer() {
    }

    /**
     * @param customerId the customer's id
     * @param name the customer's name
     * @param tier the customer's tier
     */
    public Customer(String customerId, String name, String tier) {
        this.customerId = customerId;
        this.name = name;
        this.tier = tier;
    }
}
