/**
 * State stores. Stateful operators, RocksDB stores, changelogs and restore are being built here;
 * see docs/ARCHITECTURE.md for the layering.
 */
package dev.tributary.state;
