package dev.tributary.dsl.processor;

/** Called periodically by a punctuation schedule. */
@FunctionalInterface
public interface Punctuator {
    /**
     * @param timestamp the time of this punctuation on its clock, in epoch milliseconds
     */
    void punctuate(long timestamp);
}
