package dev.tributary.bench;

/**
 * One measured run.
 *
 * @param scenario such as B1
 * @param variant what ran: a baseline or Tributary, with its settings
 * @param baseline whether ratios in the scenario are taken against this run
 * @param records input records processed
 * @param nanos wall time from the first record to the last commit
 * @param cpuNanos CPU time of the run's own threads
 * @param latency end-to-end latency percentiles, or null for throughput scenarios
 * @param heapBytes the job's heap while it held its state, or -1 where not measured
 */
record Result(String scenario, String variant, boolean baseline, long records, long nanos, long cpuNanos,
              Latency.Percentiles latency, long heapBytes) {
    Result(String scenario, String variant, boolean baseline, long records, long nanos, long cpuNanos) {
        this(scenario, variant, baseline, records, nanos, cpuNanos, null, -1);
    }

    Result(String scenario, String variant, boolean baseline, long records, long nanos, long cpuNanos,
           Latency.Percentiles latency) {
        this(scenario, variant, baseline, records, nanos, cpuNanos, latency, -1);
    }

    double perSecond() {
        return records * 1e9 / nanos;
    }

    double cpuMicrosPerRecord() {
        return cpuNanos / 1e3 / records;
    }
}
