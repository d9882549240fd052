package dev.tributary.runtime.internal.task;

import dev.tributary.runtime.internal.input.Input;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Records of key groups still being restored. A consumer holding several key groups fetches as soon
 * as one of them is ready, so records of the others arrive meanwhile: they wait here, in arrival
 * order per key group, unacknowledged, and are processed before anything fetched later once their key
 * group is restored. An input holding {@link #LIMIT} of them stops fetching until they are released,
 * which bounds the memory they take to the limit plus what the consumer had prefetched.
 */
final class RestoreWaits {
    /** Records one input may hold for restoring key groups before it stops fetching. */
    static final int LIMIT = 10_000;

    private final Map<Integer, ArrayDeque<Delivery>> byGroup = new HashMap<>();
    private final Map<Input, Integer> perInput = new HashMap<>();
    private long waiting;

    /** Keeps a record of a key group being restored until {@link #release} finds the group ready. */
    void hold(int group, Delivery delivery) {
        byGroup.computeIfAbsent(group, g -> new ArrayDeque<>()).addLast(delivery);
        waiting++;
        if (perInput.merge(delivery.input, 1, Integer::sum) >= LIMIT) {
            // Again on every record past the limit: the held-record limit may have resumed it meanwhile.
            delivery.input.pause();
        }
    }

    /**
     * Hands the records of every key group now ready to {@code handle}, in the order they arrived, and
     * lets an input fetch again once it holds none.
     *
     * @param stillPaused whether an input must stay paused for another reason
     */
    void release(IntPredicate ready, Consumer<Delivery> handle, Predicate<Input> stillPaused) {
        if (waiting == 0) {
            return;
        }
        for (Iterator<Map.Entry<Integer, ArrayDeque<Delivery>>> it = byGroup.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, ArrayDeque<Delivery>> entry = it.next();
            if (!ready.test(entry.getKey())) {
                continue;
            }
            it.remove();
            for (Delivery delivery : entry.getValue()) {
                waiting--;
                int left = perInput.merge(delivery.input, -1, Integer::sum);
                if (left == 0) {
                    perInput.remove(delivery.input);
                }
                if (left == LIMIT - 1 && !stillPaused.test(delivery.input)) {
                    delivery.input.resume();
                }
                handle.accept(delivery);
            }
        }
    }

    /** Forgets the records whose consumer closed: they come again to whoever holds the ranges next. */
    void removeIf(Predicate<Delivery> drop) {
        for (Iterator<ArrayDeque<Delivery>> it = byGroup.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Delivery> held = it.next();
            for (Iterator<Delivery> records = held.iterator(); records.hasNext(); ) {
                Delivery delivery = records.next();
                if (drop.test(delivery)) {
                    records.remove();
                    waiting--;
                    perInput.computeIfPresent(delivery.input, (input, count) -> count == 1 ? null : count - 1);
                }
            }
            if (held.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Forgets everything: after a lost lease every consumer is closed. */
    void clear() {
        byGroup.clear();
        perInput.clear();
        waiting = 0;
    }

    /** Whether an input is paused because it holds the limit. */
    boolean pausing(Input input) {
        Integer held = perInput.get(input);
        return held != null && held >= LIMIT;
    }

    long waiting() {
        return waiting;
    }
}
