package dev.tributary.dsl.connect;

/**
 * Brings records from outside into a Pulsar topic. Every record a source emits is written to its topic
 * and is durable in the broker before anything else happens to it; the topology then reads the topic
 * like any other, so the source's data gets the same scaling and guarantees as data produced by
 * anyone else.
 *
 * <p>The lifecycle: {@link #open} once on the job's start thread (a failure stops the start), then
 * {@link #run} on a thread of its own until the job stops, then {@link #close}. A source emits with
 * {@link SourceContext#emit}, from {@code run} or from threads of its own (an HTTP server's, say);
 * {@code emit} blocks while too many records are unconfirmed, which is the backpressure. Records
 * emitted together are batched by the runtime, by key group, so that each batch has one owner on the
 * reading side.
 *
 * <pre>{@code
 * final class Ticker implements Source<String> {
 *     public void open(SourceContext<String> context) { }
 *     public void run(SourceContext<String> context) throws Exception {
 *         long n = context.position("ticks").map(Long::parseLong).orElse(0L);
 *         while (!context.awaitStop(100)) {
 *             n++;
 *             context.emit(SourceRecord.of("tick " + n).key("ticker")).join();
 *             context.commitPosition("ticks", Long.toString(n));
 *         }
 *     }
 *     public void close() { }
 * }
 * }</pre>
 *
 * @param <V> the type of the values it emits
 */
public interface Source<V> extends Connector {
    /**
     * Prepares the source: reads its settings, connects, binds its ports.
     *
     * @param context settings, positions, metrics and where records go
     * @throws Exception if the source cannot start; the message should name the setting or resource at
     *     fault, and the job does not start
     */
    void open(SourceContext<V> context) throws Exception;

    /**
     * Produces records until {@link SourceContext#stopping()} turns true (or the data ends). Returning
     * early ends only this source; throwing fails the job (its message is logged and reported).
     *
     * @param context where records go
     * @throws Exception if the source fails for good
     */
    void run(SourceContext<V> context) throws Exception;
}
