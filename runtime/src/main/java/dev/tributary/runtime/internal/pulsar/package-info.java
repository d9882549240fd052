/**
 * The Pulsar adapter around the processing core: connections, input subscriptions, output
 * producers with key-group batching, acknowledgement tracking and the task loop with its commits.
 */
package dev.tributary.runtime.internal.pulsar;
