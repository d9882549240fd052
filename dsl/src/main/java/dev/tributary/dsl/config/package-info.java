/**
 * Typed configuration keys that carry their own documentation, and an immutable configuration
 * that reads them. The reference page of all settings is generated from these definitions.
 */
package dev.tributary.dsl.config;
