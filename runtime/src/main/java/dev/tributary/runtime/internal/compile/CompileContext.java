package dev.tributary.runtime.internal.compile;

import dev.tributary.runtime.internal.keygroup.KeyGroups;

/** What translators may consult when checking a node at compile time. */
public record CompileContext(KeyGroups keyGroups) {
}
