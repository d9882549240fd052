package dev.tributary.runtime.internal.compile;

import dev.tributary.dsl.TopologyException;
import java.util.List;

/**
 * What a job may do with non-persistent inputs. The broker keeps none of their messages and drops
 * what no consumer is connected for, so they are read at most once: acknowledgements mean nothing, a
 * record is never delivered again, there is nothing to replay. A job whose correctness needs more is
 * refused before it connects.
 */
public final class NonPersistentInputs {
    private NonPersistentInputs() {
    }

    /**
     * @param inputs the job's input topics, normalized
     * @param stores the job's state stores, by name
     * @param globalTopics the topics its global tables read
     * @throws TopologyException naming the topic and what it cannot give
     */
    public static void check(List<String> inputs, List<String> stores, List<String> globalTopics,
                             boolean exactlyOnce, boolean replay) {
        for (String topic : inputs) {
            if (TopicNames.isPersistent(topic)) {
                continue;
            }
            if (!stores.isEmpty()) {
                throw new TopologyException("input topic '" + topic + "' is non-persistent, and the job keeps state"
                        + " (stores " + stores + "): a non-persistent topic delivers each message at most once and"
                        + " never again, so records lost in a crash or a hand-over would be missing from the state for"
                        + " good. Read a persistent topic, or drop the state");
            }
            if (exactlyOnce) {
                throw new TopologyException("processing.guarantee=exactly-once cannot hold for input topic '" + topic
                        + "': it is non-persistent, so its messages are delivered at most once and cannot be"
                        + " acknowledged in a transaction. Read a persistent topic, or run at-least-once (which is at"
                        + " most once on this topic)");
            }
            if (replay) {
                throw new TopologyException("replay.from cannot rewind input topic '" + topic + "': it is"
                        + " non-persistent and keeps no messages");
            }
        }
        for (String topic : globalTopics) {
            if (!TopicNames.isPersistent(topic)) {
                throw new TopologyException("global table topic '" + topic + "' is non-persistent: it keeps no"
                        + " messages, so the table could never be read whole. Use a persistent, compacted topic");
            }
        }
    }
}
