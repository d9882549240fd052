package dev.tributary.runtime.internal.pulsar;

import dev.tributary.dsl.config.ConfigException;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.ErrorPolicy;
import dev.tributary.runtime.RuntimeOptions;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
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

    private ErrorHandling(ErrorPolicy defaultPolicy, Map<String, ErrorPolicy> byNode, int attempts,
                          long initialDelayNanos, long maxDelayNanos, int maxHeldPerKeyGroup) {
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
                throw new ConfigException(key, key + ": no node named '" + node + "' in the topology" + suggestion(node, nodes)
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
                config.get(RuntimeOptions.RETRY_MAX_DELAY).toNanos(), config.get(RuntimeOptions.MAX_HELD_RECORDS));
    }

    private static String suggestion(String name, Collection<String> nodes) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String node : nodes) {
            int distance = distance(name.toLowerCase(Locale.ROOT), node.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                bestDistance = distance;
                best = node;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 3) ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
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
