package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.ValueJoiner;
import dev.tributary.runtime.internal.core.ProcessingException;

/** Calls a join's user code so that an exception it throws names the join's node, for the error policy. */
final class Joiners {
    private Joiners() {
    }

    static Object join(String node, ValueJoiner<Object, Object, Object> joiner, Object left, Object right) {
        try {
            return joiner.apply(left, right);
        } catch (RuntimeException e) {
            throw new ProcessingException(node, e);
        }
    }
}
