/** The DSL's implementation: stream handles that add plan nodes, and option-object accessors. */
package dev.tributary.dsl.internal;
