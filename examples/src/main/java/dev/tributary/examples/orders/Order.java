package dev.tributary.examples.orders;

/** An order as clients post it: {@code {"customer":"c1","amountCents":1250,"item":"lamp"}}. */
public final class Order {
    /** Who ordered; the key. */
    public String customer;
    /** The amount in cents; required (a primitive field of the JSON schema). */
    public long amountCents;
    /** What was ordered. */
    public String item;

    /** For the schema's decoder. */
    public Order() {
    }

    /**
     * @param customer who ordered
     * @param amountCents the amount in cents
     * @param item what was ordered
     */
    public Order(String customer, long amountCents, String item) {
        this.customer = customer;
        this.amountCents = amountCents;
        this.item = item;
    }
}
