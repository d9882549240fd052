package dev.tributary.runtime.internal.assembly;

import dev.tributary.runtime.JobState;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.runtime.internal.ops.OpsServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** What /health/live and /health/ready answer for one job, from its state as of the request. */
public final class JobHealth {
    private final String applicationId;
    private final Supplier<JobState> state;
    private final Supplier<Optional<Throwable>> failure;
    private final Supplier<RunningJob> running;
    private final IntSupplier pendingKeyGroups;
    private final TaskMetrics metrics;
    private final Duration heldDegradedAfter;

    /**
     * @param running the running job, or null while it is not running
     * @param heldDegradedAfter how long a key may fail before readiness reports the job degraded
     */
    public JobHealth(String applicationId, Supplier<JobState> state, Supplier<Optional<Throwable>> failure,
                     Supplier<RunningJob> running, IntSupplier pendingKeyGroups, TaskMetrics metrics,
                     Duration heldDegradedAfter) {
        this.applicationId = applicationId;
        this.state = state;
        this.failure = failure;
        this.running = running;
        this.pendingKeyGroups = pendingKeyGroups;
        this.metrics = metrics;
        this.heldDegradedAfter = heldDegradedAfter;
    }

    /** Down only once the job failed. */
    public OpsServer.Health liveness() {
        JobState now = state.get();
        return new OpsServer.Health(now != JobState.FAILED, "job '" + applicationId + "' is " + now
                + failure.get().map(f -> ": " + f.getMessage()).orElse(""));
    }

    /**
     * Up once the job runs with all its key groups processing and nothing it writes to is down;
     * degraded (still up) while a key has failed for longer than {@code errors.held.degraded-after}.
     */
    public OpsServer.Health readiness() {
        JobState now = state.get();
        if (now == JobState.CREATED) {
            return new OpsServer.Health(false, "starting: restoring " + metrics.gauge(TaskMetrics.KEY_GROUPS_RESTORING).get()
                    + " key group(s), " + restoredSoFar() + " changelog records so far");
        }
        RunningJob job = now == JobState.RUNNING ? running.get() : null;
        List<String> sinksDown = job != null ? job.unavailableSinks() : List.of();
        if (!sinksDown.isEmpty()) {
            return new OpsServer.Health(false, String.join("; ", sinksDown));
        }
        String waiting = job != null ? job.task().waitingFor() : null;
        if (waiting != null) {
            return new OpsServer.Health(false, "waiting for " + waiting);
        }
        int pending = pendingKeyGroups.getAsInt();
        if (job != null && pending > 0) {
            return new OpsServer.Health(false, "claiming or restoring " + pending + " key group(s)");
        }
        if (job != null) {
            var oldest = job.task().heldKeys().oldest();
            long failing = oldest == null ? 0 : System.currentTimeMillis() - oldest.sinceMillis();
            if (oldest != null && failing >= heldDegradedAfter.toMillis()) {
                return new OpsServer.Health(true, true, (oldest.key() == null ? "a record without a key"
                        : "key '" + oldest.key() + "'") + " (key group " + oldest.keyGroup() + ") has failed for "
                        + failing / 1000 + " s at node '" + oldest.node() + "' (" + oldest.attempts() + " attempt(s)): "
                        + oldest.lastError() + "; " + oldest.heldRecords() + " later record(s) of it held, other keys"
                        + " flow (errors.held.degraded-after " + heldDegradedAfter
                        + "; GET /held lists every failing key)");
            }
        }
        return new OpsServer.Health(now == JobState.RUNNING, "job '" + applicationId + "' is " + now);
    }

    private long restoredSoFar() {
        return (long) metrics.registry().find(TaskMetrics.RESTORED).functionCounters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
