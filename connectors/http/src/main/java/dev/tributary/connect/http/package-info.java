/** HTTP ingest: a bridge that validates JSON events against a topic's schema and publishes them. */
package dev.tributary.connect.http;
