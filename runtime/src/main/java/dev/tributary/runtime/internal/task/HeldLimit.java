package dev.tributary.runtime.internal.task;

import dev.tributary.runtime.internal.input.Input;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Past the held-record limit of a key group ({@code errors.retry.max-held-per-key-group}), the task's
 * inputs stop fetching until retries release records; what they fetched already still arrives.
 */
final class HeldLimit {
    private static final Logger LOG = LoggerFactory.getLogger(HeldLimit.class);

    private final String task;
    private final Failures failures;
    private final TaskMetrics metrics;
    private boolean paused;

    HeldLimit(String task, Failures failures, TaskMetrics metrics) {
        this.task = task;
        this.failures = failures;
        this.metrics = metrics;
    }

    /** Whether the inputs are paused now: new inputs start paused too. */
    boolean paused() {
        return paused;
    }

    /**
     * Pauses or resumes the inputs as the records held behind failing keys say.
     *
     * @param pausedElsewhere inputs to leave paused when resuming (they hold records of restoring key groups)
     */
    void update(List<Input> inputs, java.util.function.Predicate<Input> pausedElsewhere) {
        boolean over = failures.overLimit();
        if (over && !paused) {
            paused = true;
            metrics.inputPaused();
            LOG.warn("Task {}: a key group holds {} or more records behind failing keys"
                    + " (errors.retry.max-held-per-key-group); pausing input until retries release them", task,
                    failures.maxHeldPerKeyGroup());
            inputs.forEach(Input::pause);
        } else if (!over && paused) {
            paused = false;
            LOG.info("Task {}: held records below the limit again; resuming input", task);
            inputs.stream().filter(input -> !pausedElsewhere.test(input)).forEach(Input::resume);
        }
        metrics.held(failures.waiting());
    }
}
