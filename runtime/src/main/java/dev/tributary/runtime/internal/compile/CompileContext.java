package dev.tributary.runtime.internal.compile;

import dev.tributary.runtime.internal.keygroup.KeyGroups;

/**
 * What translators may consult at compile time: the key groups, how the job's internal topics are
 * named (after the application, in the internal namespace), how windows treat quiet key groups, and
 * the global tables joins read.
 *
 * @param idleAdvanceMs how long a key group may receive nothing before wall-clock time moves its stream
 *     time (windows.idle.advance), 0 for never
 * @param globals the topology's global tables, filled before processing starts
 */
public record CompileContext(KeyGroups keyGroups, String applicationId, String internalNamespace, long idleAdvanceMs,
                             dev.tributary.runtime.internal.global.GlobalTables globals) {
    public CompileContext(KeyGroups keyGroups, String applicationId, String internalNamespace) {
        this(keyGroups, applicationId, internalNamespace, 0, new dev.tributary.runtime.internal.global.GlobalTables());
    }

    public String repartitionTopic(String node) {
        return "persistent://" + internalNamespace + "/" + applicationId + "-" + node + "-repartition";
    }

    /**
     * The forward topic of a source: where instances send the source's records of key groups they do not
     * own, read by every instance through the same sticky ranges as the source.
     */
    public String forwardTopic(String source) {
        return "persistent://" + internalNamespace + "/" + applicationId + "-" + source + "-forward";
    }

    public String changelogTopic(String store) {
        return "persistent://" + internalNamespace + "/" + applicationId + "-" + store + "-changelog";
    }
}
