package dev.tributary.dsl.processor;

/**
 * Creates a new processor for each task.
 *
 * @param <KIn> the input key type
 * @param <VIn> the input value type
 * @param <KOut> the output key type
 * @param <VOut> the output value type
 */
@FunctionalInterface
public interface ProcessorSupplier<KIn, VIn, KOut, VOut> {
    /** @return a new processor; never a shared instance */
    Processor<KIn, VIn, KOut, VOut> get();
}
