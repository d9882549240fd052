package dev.tributary.dsl.connect;

import java.util.List;

/**
 * Writes a stream's records outside Pulsar. The runtime hands it records in batches on the processing
 * thread: whenever {@code connector.<name>.batch-size} records are waiting and at every commit, before
 * the input is acknowledged. So a record is acknowledged only after the sink confirmed its write, and a
 * crash re-delivers what was not confirmed: writes should be idempotent (upserts on a key) or
 * transactional.
 *
 * <p>Failures come in two kinds. {@link #write} throwing means the target is unavailable and nothing
 * of the batch is known to be written: the runtime keeps the batch, reports the sink unavailable
 * (metric {@code tributary_sink_unavailable}, readiness, log) and writes it again with backoff until
 * it succeeds or the job stops, without acknowledging anything meanwhile. A single record the target
 * refuses (a constraint, a value that does not fit) is marked with {@link SinkRecord#fail}; the others
 * count as written, and the failed one follows its error policy like a record whose processing failed:
 * retried while its key waits, then dead-lettered (by default), skipped or failing the job.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Sink<K, V> extends Connector {
    /**
     * Prepares the sink: reads its settings, connects, checks the target exists.
     *
     * @param context settings and metrics
     * @throws Exception if the sink cannot start; the message should name the setting or resource at
     *     fault, and the job does not start
     */
    void open(SinkContext context) throws Exception;

    /**
     * Writes a batch. When it returns normally, every record not marked with {@link SinkRecord#fail} is
     * durable in the target.
     *
     * @param records the batch, in processing order; never empty
     * @throws Exception if the target is unavailable: the whole batch is written again later
     */
    void write(List<SinkRecord<K, V>> records) throws Exception;
}
