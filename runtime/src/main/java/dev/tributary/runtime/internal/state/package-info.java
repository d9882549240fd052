/**
 * The state of one task: its stores layered (typed, cached, logged, bytes), its stream time and
 * punctuations. Shared by the Pulsar runtime and the test driver, which differ only in where stores
 * live and where changelogs go.
 */
package dev.tributary.runtime.internal.state;
