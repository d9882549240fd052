/**
 * The Processor API: custom operators with access to state stores, record metadata and
 * punctuations on stream time and wall-clock time.
 */
package dev.tributary.dsl.processor;
