/**
 * Compiles a logical plan into per-task operators: a registry maps each plan node type to its
 * translator, so new node types (connectors, stateful operators) plug in without touching the
 * compiler.
 */
package dev.tributary.runtime.internal.compile;
