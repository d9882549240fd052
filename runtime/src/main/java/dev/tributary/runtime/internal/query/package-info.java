/**
 * Queries of the job's state from other threads: read-only views over the committed layer of each
 * store ({@link dev.tributary.state.ConcurrentReads}), and the HTTP endpoints that answer them here or
 * forward them to the key's owner.
 */
package dev.tributary.runtime.internal.query;
