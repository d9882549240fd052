package dev.tributary.runtime.internal.ownership;

import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.input.Input;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The consumers holding a set of key groups: one per ranged source, with the groups' sticky hash
 * ranges. At start one segment holds every assigned group; later claims are one group each. Its
 * consumers fetch once the first of its key groups is restored.
 */
final class Segment {
    final BitSet groups;
    final List<Input> inputs;
    final long claimedNanos = System.nanoTime();
    /** Its key groups still being restored. */
    final BitSet unrestored;
    /** Whether its consumers fetch: once any of its key groups is restored. */
    boolean fetching;

    Segment(BitSet groups, List<Input> inputs) {
        this.groups = groups;
        this.inputs = inputs;
        this.unrestored = (BitSet) groups.clone();
    }

    /** The segment of an accepted claim: an input per ranged source, entering the source's operator. */
    static Segment of(Claim claim, TaskCore core, Map<String, long[]> received) {
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < claim.specs.size(); i++) {
            SourceSpec source = claim.specs.get(i);
            inputs.add(new Input(source, claim.consumer(i), core.source(source.name()), received.get(source.name()),
                    claim.groups));
        }
        return new Segment(claim.groups, inputs);
    }

    /** Whether the broker dropped any of its consumers: its ranges may have gone to another instance. */
    boolean leaseLost() {
        for (Input input : inputs) {
            if (input.leaseLost()) {
                return true;
            }
        }
        return false;
    }

    void close() {
        inputs.forEach(Input::close);
    }
}
