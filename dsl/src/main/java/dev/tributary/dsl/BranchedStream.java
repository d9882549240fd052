package dev.tributary.dsl;

import java.util.Map;

/**
 * Collects the branches of a {@link Stream#split()}. Each record goes to the first branch whose
 * predicate it matches. The split is added to the topology when {@link #defaultBranch(String)} or
 * {@link #noDefaultBranch()} is called; until then nothing is added.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface BranchedStream<K, V> {
    /**
     * Adds a branch.
     *
     * @param name the branch's name, unique in this split
     * @param predicate the records it takes (those not taken by an earlier branch)
     * @return this builder
     */
    BranchedStream<K, V> branch(String name, Predicate<? super K, ? super V> predicate);

    /**
     * Ends the split with a default branch for records no predicate matched.
     *
     * @param name the default branch's name
     * @return the branches by name, in the order they were added
     */
    Map<String, Stream<K, V>> defaultBranch(String name);

    /**
     * Ends the split without a default branch: records no predicate matched are dropped.
     *
     * @return the branches by name, in the order they were added
     */
    Map<String, Stream<K, V>> noDefaultBranch();
}
