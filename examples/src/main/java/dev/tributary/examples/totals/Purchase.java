package dev.tributary.examples.totals;

/** A purchase, as Avro. */
public class Purchase {
    /** Who bought. */
    public String userId;
    /** What. */
    public String item;
    /** For how much. */
    public double amount;

    /** For the Avro decoder. */
    public Purchase() {
    }

    /**
     * @param userId who bought
     * @param item what
     * @param amount for how much
     */
    public Purchase(String userId, String item, double amount) {
        this.userId = userId;
        this.item = item;
        this.amount = amount;
    }
}
