package dev.tributary.runtime.internal.state;

import dev.tributary.dsl.processor.Cancellable;
import dev.tributary.dsl.processor.PunctuationType;
import dev.tributary.dsl.processor.Punctuator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The punctuation schedules of one task. Stream-time schedules fire when records move stream time
 * past their next boundary; wall-clock schedules fire when the task loop (or the test driver's
 * virtual clock) reaches theirs. A schedule fires at most once per check, whatever time was skipped.
 */
public final class Punctuations {
    private final List<Schedule> schedules = new ArrayList<>();
    private long streamTime = -1;

    private static final class Schedule implements Cancellable {
        final PunctuationType type;
        final long interval;
        final Punctuator punctuator;
        long next = -1;
        boolean cancelled;

        Schedule(PunctuationType type, long interval, Punctuator punctuator) {
            this.type = type;
            this.interval = interval;
            this.punctuator = punctuator;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    public Cancellable schedule(Duration interval, PunctuationType type, Punctuator punctuator, long wallClockNow) {
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("a punctuation interval must be at least 1 ms, got " + interval);
        }
        Schedule schedule = new Schedule(type, interval.toMillis(), punctuator);
        if (type == PunctuationType.WALL_CLOCK_TIME) {
            schedule.next = wallClockNow + schedule.interval;
        } else if (streamTime >= 0) {
            schedule.next = streamTime + schedule.interval;
        }
        schedules.add(schedule);
        return schedule;
    }

    public long streamTime() {
        return streamTime;
    }

    /** Called after each record: stream time is the largest timestamp seen. */
    public void observe(long timestamp) {
        if (timestamp > streamTime) {
            streamTime = timestamp;
            fire(PunctuationType.STREAM_TIME, streamTime);
        }
    }

    public void wallClock(long now) {
        fire(PunctuationType.WALL_CLOCK_TIME, now);
    }

    /** Called on every record that moves stream time, so it allocates nothing. */
    private void fire(PunctuationType type, long now) {
        if (schedules.isEmpty()) {
            return;
        }
        schedules.removeIf(s -> s.cancelled);
        // By index over the schedules present now: a punctuator may add schedules while we iterate.
        int count = schedules.size();
        for (int i = 0; i < count; i++) {
            Schedule schedule = schedules.get(i);
            if (schedule.type != type || schedule.cancelled) {
                continue;
            }
            if (schedule.next < 0) {
                // The first stream-time record starts the schedule's clock.
                schedule.next = now + schedule.interval;
                continue;
            }
            if (now >= schedule.next) {
                schedule.punctuator.punctuate(now);
                long missed = (now - schedule.next) / schedule.interval;
                schedule.next += (missed + 1) * schedule.interval;
            }
        }
    }
}
