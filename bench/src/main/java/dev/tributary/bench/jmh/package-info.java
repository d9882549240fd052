/**
 * JMH microbenchmarks of the per-record hot path, without a broker: serdes, an operator chain, store
 * reads and writes, and the key-group batching of a commit's outputs. Run them with
 * {@code java -cp bench/target/tributary-bench.jar org.openjdk.jmh.Main 'dev.tributary.*Benchmark'}.
 */
package dev.tributary.bench.jmh;
