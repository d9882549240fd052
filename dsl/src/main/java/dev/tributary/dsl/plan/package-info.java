/**
 * The logical plan: what a topology does, as immutable data. The DSL builds it; the runtime
 * compiles it with one translator per node type. Nothing here runs anything.
 */
package dev.tributary.dsl.plan;
