/** Runs connectors: their settings, their lookup by type, their metrics. */
package dev.tributary.runtime.internal.connect;
