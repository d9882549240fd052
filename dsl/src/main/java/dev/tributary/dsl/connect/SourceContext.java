package dev.tributary.dsl.connect;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.common.schema.SchemaInfo;

/**
 * What a source writes through, and where it keeps its positions. Safe to use from several threads.
 *
 * @param <V> the type of the values the source emits
 */
public interface SourceContext<V> extends ConnectorContext {
    /**
     * The topic records go to unless they name another one.
     *
     * @return the fully qualified topic name
     */
    String topic();

    /**
     * Writes a record to its topic. Blocks while {@code connector.<name>.max-in-flight} records are
     * unconfirmed, so a source cannot run ahead of the broker.
     *
     * @param record the record
     * @return completes with the record's message id once the broker has stored the record; fails with a {@link SourceWriteException}
     *     naming the topic if it refused it (a schema mismatch, say) or did not confirm it within
     *     {@code producer.send.timeout}
     * @throws IllegalStateException if the job is stopping
     */
    CompletableFuture<MessageId> emit(SourceRecord<? extends V> record);

    /**
     * Hands a record that cannot be emitted (malformed input, say) to the job's dead-letter topic with
     * the reason, so it is not lost silently; counted as {@code tributary.connector.records.rejected}.
     *
     * @param payload the raw input
     * @param partition where it came from (a file name, say), recorded with it
     * @param reason why it was rejected
     * @return completes once the dead letter is stored
     */
    CompletableFuture<Void> reject(byte[] payload, String partition, String reason);

    /**
     * Records how far a partition of the source's input (a file, a shard) has been dealt with. Call it
     * once every record read before the position is stored (its {@link #emit} future completed) or
     * otherwise dealt with (rejected, say). Positions are written to a compacted Pulsar topic of the job
     * every {@code connector.<name>.position-interval} and when the job stops, so after a clean stop a
     * source resumes exactly where it was; after a crash, at most the records of the last interval are
     * read again.
     *
     * @param partition the partition's name
     * @param position the position, in the source's own format
     */
    void commitPosition(String partition, String position);

    /**
     * The last committed position of a partition of the source's input, as given to
     * {@link #commitPosition}; positions survive restarts and moves of the job.
     *
     * @param partition the partition's name
     * @return the position, or empty if none was committed
     */
    Optional<String> position(String partition);

    /**
     * The schema registered for a topic.
     *
     * @param topic the topic, in any form Pulsar accepts
     * @return the schema, or empty if the topic has none
     * @throws IllegalArgumentException if the topic does not exist
     */
    Optional<SchemaInfo> topicSchema(String topic);

    /**
     * Whether the broker connection for a topic is up now; a source that answers callers (an HTTP
     * bridge) can refuse work early instead of letting it wait for the send timeout.
     *
     * @param topic the topic, in any form Pulsar accepts
     * @return true if records emitted to it now can be sent at once
     */
    boolean available(String topic);

    /**
     * Whether the job is stopping; {@link Source#run} should return soon after this turns true.
     *
     * @return true once the job stops
     */
    boolean stopping();

    /**
     * Waits until the job stops or the time is up, whichever comes first.
     *
     * @param millis the longest wait
     * @return true if the job is stopping
     * @throws InterruptedException if interrupted
     */
    boolean awaitStop(long millis) throws InterruptedException;
}
