package dev.tributary.runtime.internal.compile;

import dev.tributary.runtime.internal.keygroup.KeyGroups;

/**
 * What translators may consult at compile time: the key groups, and how the job's internal topics
 * are named (after the application, in the internal namespace).
 */
public record CompileContext(KeyGroups keyGroups, String applicationId, String internalNamespace) {
    public String repartitionTopic(String node) {
        return "persistent://" + internalNamespace + "/" + applicationId + "-" + node + "-repartition";
    }

    public String changelogTopic(String store) {
        return "persistent://" + internalNamespace + "/" + applicationId + "-" + store + "-changelog";
    }
}
