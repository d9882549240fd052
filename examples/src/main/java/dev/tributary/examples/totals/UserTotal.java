package dev.tributary.examples.totals;

/** A user's running totals, as Avro. */
public class UserTotal {
    /** How many purchases. */
    public long purchases;
    /** How much in all. */
    public double total;

    /** For the Avro decoder. */
    public UserTotal() {
    }

    /**
     * @param purchase one more purchase
     * @return these totals with it added
     */
    public UserTotal add(Purchase purchase) {
        UserTotal next = new UserTotal();
        next.purchases = purchases + 1;
        next.total = total + purchase.amount;
        return next;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "{purchases=%d, total=%.2f}", purchases, total);
    }
}
