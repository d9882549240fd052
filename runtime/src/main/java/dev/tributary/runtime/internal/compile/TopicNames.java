package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.TopologyException;
import org.apache.pulsar.common.naming.TopicName;

/** Normalizes topic names the way the broker does, so short and full names of a topic compare equal. */
public final class TopicNames {
    private TopicNames() {
    }

    /**
     * @param topic a name in any form Pulsar accepts
     * @param where the node using it, for the error message
     * @return the full name, such as {@code persistent://public/default/clicks}
     */
    public static String normalize(String topic, String where) {
        try {
            return TopicName.get(topic).toString();
        } catch (RuntimeException e) {
            throw new TopologyException("invalid topic name '" + topic + "' in " + where + ": " + e.getMessage()
                    + " (expected 'name', 'tenant/namespace/name' or 'persistent://tenant/namespace/name')");
        }
    }

    /** The dead-letter topic of an input topic: {@code <topic>-<application id>-DLQ}, partitions folded, persistent. */
    public static String deadLetter(String inputTopic, String applicationId) {
        return persistentBase(inputTopic) + "-" + applicationId + "-DLQ";
    }

    /** The late-records topic of an input topic: {@code <topic>-<application id>-late}, partitions folded, persistent. */
    public static String late(String inputTopic, String applicationId) {
        return persistentBase(inputTopic) + "-" + applicationId + "-late";
    }

    /**
     * The input's name with partitions folded, and persistent: the dead letters and late records of a
     * non-persistent input must outlast the moment nobody reads them.
     */
    private static String persistentBase(String inputTopic) {
        TopicName name = TopicName.get(inputTopic);
        String base = name.isPartitioned() ? name.getPartitionedTopicName() : name.toString();
        return name.isPersistent() ? base : "persistent" + base.substring(base.indexOf("://"));
    }

    public static boolean isPersistent(String normalizedTopic) {
        return TopicName.get(normalizedTopic).isPersistent();
    }
}
