package dev.tributary.runtime.internal.task;

import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.config.Suggestions;
import dev.tributary.runtime.ErrorPolicy;
import dev.tributary.runtime.LatePolicy;
import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.runtime.RuntimeOptions;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/** The job's error settings: the policy of each node, how often and how late records are retried. */
public final class ErrorHandling {
    private final ErrorPolicy defaultPolicy;
    private final Map<String, ErrorPolicy> byNode;
    private final int attempts;
    private final long initialDelayNanos;
    private final long maxDelayNanos;
    private final int maxHeldPerKeyGroup;
    private final LatePolicy latePolicy;
    private final String lateTopic;

    private ErrorHandling(ErrorPolicy defaultPolicy, Map<String, ErrorPolicy> byNode, int attempts,
                          long initialDelayNanos, long maxDelayNanos, int maxHeldPerKeyGroup, LatePolicy latePolicy,
                          String lateTopic) {
        this.latePolicy = latePolicy;
        this.lateTopic = lateTopic;
        this.defaultPolicy = defaultPolicy;
        this.byNode = Map.copyOf(byNode);
        this.attempts = attempts;
        this.initialDelayNanos = initialDelayNanos;
        this.maxDelayNanos = Math.max(initialDelayNanos, maxDelayNanos);
        this.maxHeldPerKeyGroup = maxHeldPerKeyGroup;
    }

    /**
     * @param nodes the topology's node names, against which per-node policies are checked
     * @throws ConfigException naming the entry if a per-node policy names no node or no policy
     */
    public static ErrorHandling from(Configuration config, Collection<String> nodes) {
        Map<String, ErrorPolicy> byNode = new HashMap<>();
        String text = config.get(RuntimeOptions.ERROR_POLICY_NODES);
        String key = RuntimeOptions.ERROR_POLICY_NODES.key();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.split("=", 2);
            String node = parts[0].trim();
            String policyName = parts.length > 1 ? parts[1].trim() : "";
            if (!nodes.contains(node)) {
                throw new ConfigException(key, key + ": no node named '" + node + "' in the topology" + Suggestions.didYouMean(node, nodes)
                        + "; its nodes are " + new TreeSet<>(nodes));
            }
            try {
                byNode.put(node, RuntimeOptions.ERROR_POLICY.parse(policyName));
            } catch (RuntimeException e) {
                throw new ConfigException(key, key + ": '" + policyName + "' for node '" + node
                        + "' is not a policy; expected dead-letter, skip or fail");
            }
        }
        return new ErrorHandling(config.get(RuntimeOptions.ERROR_POLICY), byNode,
                config.get(RuntimeOptions.RETRY_ATTEMPTS), config.get(RuntimeOptions.RETRY_INITIAL_DELAY).toNanos(),
                config.get(RuntimeOptions.RETRY_MAX_DELAY).toNanos(), config.get(RuntimeOptions.MAX_HELD_RECORDS),
                config.get(RuntimeOptions.LATE_POLICY), config.contains(RuntimeOptions.LATE_TOPIC)
                ? TopicNames.normalize(config.get(RuntimeOptions.LATE_TOPIC), RuntimeOptions.LATE_TOPIC.key()) : null);
    }

    /** What happens to records that arrive for closed windows. */
    public LatePolicy latePolicy() {
        return latePolicy;
    }

    /** The job's one late-records topic, normalized, or null for one per input topic. */
    public String lateTopic() {
        return lateTopic;
    }

    public ErrorPolicy policy(String node) {
        return byNode.getOrDefault(node, defaultPolicy);
    }

    public int attempts() {
        return attempts;
    }

    public int maxHeldPerKeyGroup() {
        return maxHeldPerKeyGroup;
    }

    /** The wait after a record's n-th failed attempt: the initial delay doubled per attempt, capped. */
    public long backoffNanos(int failedAttempts) {
        int doublings = Math.min(Math.max(0, failedAttempts - 1), 40);
        long delay = initialDelayNanos;
        for (int i = 0; i < doublings && delay < maxDelayNanos; i++) {
            delay *= 2;
        }
        return Math.min(delay, maxDelayNanos);
    }
}
