package dev.tributary.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time of the threads doing a run's work (its processing thread and its Pulsar client's threads),
 * measured per thread so the broker sharing the JVM is not counted.
 */
final class Cpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Predicate<String> names;
    private final Map<Long, Long> start = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();

    /** Starts measuring; threads matching {@code names} now or later are counted. */
    Cpu(Predicate<String> names) {
        this.names = names;
        sample(start);
    }

    /** Samples the threads again; call periodically so that threads that end are not lost. */
    void sample() {
        sample(last);
    }

    private void sample(Map<Long, Long> into) {
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && names.test(info.getThreadName())) {
                long cpu = THREADS.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    into.put(info.getThreadId(), cpu);
                }
            }
        }
    }

    /** Nanoseconds of CPU used by the matching threads since the start. */
    long nanos() {
        sample();
        long total = 0;
        for (Map.Entry<Long, Long> entry : last.entrySet()) {
            total += entry.getValue() - start.getOrDefault(entry.getKey(), 0L);
        }
        return total;
    }
}
