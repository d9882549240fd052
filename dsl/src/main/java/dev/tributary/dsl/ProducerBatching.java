package dev.tributary.dsl;

/**
 * How a sink's producer groups records into batches. The broker dispatches a whole batch on a
 * Key_Shared subscription by the key of its first record, so a batch that mixes keys owned by
 * different consumers reaches the wrong one. Each mode trades throughput against that risk.
 */
public enum ProducerBatching {
    /**
     * Every batch holds records of one key group only, so it has one owner in any Tributary job
     * with the same number of key groups. As fast as default batching at high rates. The right mode
     * for topics that Tributary jobs read (repartition topics, outputs chained into other jobs).
     */
    KEY_GROUP,
    /**
     * Pulsar's key-based batcher: every batch holds records of one key. Safe for any Key_Shared
     * reader, but slow when there are many distinct keys. The default for outputs.
     */
    KEY_BASED,
    /**
     * Pulsar's default batcher: batches mix keys. Fastest, but only correct when the topic's readers
     * are not several Key_Shared consumers.
     */
    DEFAULT,
    /** No batching: one broker entry per record. */
    DISABLED
}
