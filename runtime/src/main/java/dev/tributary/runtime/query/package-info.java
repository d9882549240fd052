/**
 * Queries of a running job's state: read-only views of its stores in this instance
 * ({@link dev.tributary.runtime.JobRunner#store}), where a key lives among the instances
 * ({@link dev.tributary.runtime.JobRunner#metadataForKey}), and the errors that say why a key cannot be
 * read here now. The same stores answer over HTTP on the ops server; see docs/QUERIES.md.
 */
package dev.tributary.runtime.query;
