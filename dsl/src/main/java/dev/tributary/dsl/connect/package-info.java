/**
 * The connector SPI: {@link dev.tributary.dsl.connect.Source}s bring data from outside into Pulsar
 * topics, {@link dev.tributary.dsl.connect.Sink}s write a stream's records out.
 *
 * <p>A source always writes into a Pulsar topic first: what it emits is durable in the broker before
 * anything else happens to it, and the topology reads that topic like any other. A sink always reads
 * through the runtime, so it gets Key_Shared scaling, keyed retries, the dead-letter topic and the
 * commit protocol: an input record is acknowledged only after the sink confirmed the write of every
 * record made from it.
 *
 * <p>Each connector has a name. Its settings are the job's configuration keys under
 * {@code connector.<name>.}, handed to it with the prefix removed and checked against the
 * {@link dev.tributary.dsl.connect.Connector#options() options} it declares. A connector is added in
 * the DSL either as an instance ({@code builder.source("ingest", new HttpSource(), ...)}) or by type,
 * resolved at start from {@code connector.<name>.type} through a
 * {@link dev.tributary.dsl.connect.ConnectorProvider} on the class path.
 */
package dev.tributary.dsl.connect;
