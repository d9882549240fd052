/**
 * State stores as user code sees them: typed key-value stores, their iterators, and
 * {@link dev.tributary.dsl.state.Materialized} to name and configure the store behind an aggregation
 * or table. Stores are held per key group and logged to a changelog topic, so they survive restarts
 * and move with their keys.
 */
package dev.tributary.dsl.state;
