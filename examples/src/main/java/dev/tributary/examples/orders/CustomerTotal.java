package dev.tributary.examples.orders;

/** A customer's orders so far; its fields map to the columns of the {@code customer_totals} table. */
public final class CustomerTotal {
    /** The customer; the table's primary key. */
    public String customer;
    /** How many orders. */
    public long orders;
    /** Their sum in cents. */
    public long totalCents;
    /** The last item ordered. */
    public String lastItem;

    /** An empty total, before the first order. */
    public CustomerTotal() {
    }

    /**
     * Adds an order.
     *
     * @param order the order
     * @return this total
     */
    public CustomerTotal add(Order order) {
        customer = order.customer;
        orders++;
        totalCents += order.amountCents;
        lastItem = order.item;
        return this;
    }
}
