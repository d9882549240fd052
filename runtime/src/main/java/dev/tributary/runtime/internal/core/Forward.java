package dev.tributary.runtime.internal.core;

import java.util.List;

/** Builds the processor that passes a record on to all of a node's children. */
public final class Forward {
    private static final Processor NOWHERE = record -> { };

    private Forward() {
    }

    /** One child is called directly, so a chain of single-child operators costs one call per hop. */
    public static Processor to(List<Processor> children) {
        switch (children.size()) {
            case 0:
                return NOWHERE;
            case 1:
                return children.get(0);
            default:
                Processor[] all = children.toArray(new Processor[0]);
                return record -> {
                    for (Processor child : all) {
                        child.process(record);
                    }
                };
        }
    }
}
