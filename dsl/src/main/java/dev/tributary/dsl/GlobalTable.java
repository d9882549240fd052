package dev.tributary.dsl;

/**
 * A table held whole by every instance of the job: read from its topic from the start (no changelog of
 * its own, no key groups), complete before any record that joins it is processed, and kept up to date
 * while the job runs. Streams join it by any key they compute from their records, so it suits
 * reference data (currencies, products, rules) that every key may need.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface GlobalTable<K, V> {
    /**
     * @return the global table's name, unique in the topology
     */
    String name();

    /**
     * @return the topic it is read from
     */
    String topic();
}
