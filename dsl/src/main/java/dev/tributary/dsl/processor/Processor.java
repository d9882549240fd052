package dev.tributary.dsl.processor;

/**
 * A custom operator. One instance runs per task, on one thread; it receives the records of the
 * key groups its task owns, in per-key order.
 *
 * @param <KIn> the input key type
 * @param <VIn> the input value type
 * @param <KOut> the output key type
 * @param <VOut> the output value type
 */
public interface Processor<KIn, VIn, KOut, VOut> {
    /**
     * Called once before the first record: keep the context, look up stores, schedule punctuations.
     *
     * @param context the processor's context
     */
    default void init(ProcessorContext<KOut, VOut> context) {
    }

    /**
     * Processes one record.
     *
     * @param record the record
     */
    void process(Record<KIn, VIn> record);

    /** Called once when the task stops. */
    default void close() {
    }
}
