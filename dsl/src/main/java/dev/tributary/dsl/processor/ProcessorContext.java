package dev.tributary.dsl.processor;

import dev.tributary.dsl.state.KeyValueStore;
import java.time.Duration;

/**
 * What a processor can do besides receiving records: forward records, use the stores it was
 * connected to, and schedule punctuations.
 *
 * @param <KOut> the output key type
 * @param <VOut> the output value type
 */
public interface ProcessorContext<KOut, VOut> {
    /**
     * Passes a record to the nodes downstream.
     *
     * @param record the record
     */
    void forward(Record<? extends KOut, ? extends VOut> record);

    /**
     * A store the processor was connected to with {@code process(supplier, storeNames...)}.
     *
     * @param name the store's name
     * @param <K> the key type
     * @param <V> the value type
     * @return the store
     * @throws IllegalArgumentException if the processor is not connected to that store
     */
    <K, V> KeyValueStore<K, V> getStateStore(String name);

    /**
     * A window store the processor was connected to with {@code process(supplier, storeNames...)}, added
     * with {@code StreamBuilder.addWindowStore}.
     *
     * @param name the store's name
     * @param <K> the key type
     * @param <V> the value type
     * @return the store
     * @throws IllegalArgumentException if the processor is not connected to that store, or it is not a
     *     store of fixed-size windows
     */
    <K, V> dev.tributary.dsl.state.WindowStore<K, V> getWindowStore(String name);

    /**
     * Calls a punctuator every interval on a clock.
     *
     * @param interval the interval, at least one millisecond
     * @param type stream time or wall-clock time
     * @param punctuator what to call
     * @return a handle to cancel the schedule
     */
    Cancellable schedule(Duration interval, PunctuationType type, Punctuator punctuator);

    /** @return the task's stream time: the largest record timestamp seen, or -1 before any record */
    long currentStreamTimeMs();

    /** @return the wall-clock time, virtual in the test driver */
    long currentSystemTimeMs();

    /** @return the job's application id */
    String applicationId();
}
