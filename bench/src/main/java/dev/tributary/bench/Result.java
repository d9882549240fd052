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
 */
record Result(String scenario, String variant, boolean baseline, long records, long nanos, long cpuNanos,
              Latency.Percentiles latency) {
    Result(String scenario, String variant, boolean baseline, long records, long nanos, long cpuNanos) {
        this(scenario, variant, baseline, records, nanos, cpuNanos, null);
    }

    double perSecond() {
        return records * 1e9 / nanos;
    }

    double cpuMicrosPerRecord() {
        return cpuNanos / 1e3 / records;
    }
}
