/**
 * Runs connectors written against Pulsar IO ({@code org.apache.pulsar.io.core.Source} and
 * {@code Sink}) inside a job.
 */
package dev.tributary.connect.pulsario;
