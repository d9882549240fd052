package dev.tributary.runtime.internal.ownership;

import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.keygroup.Rendezvous;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.common.policies.data.ConsumerStats;
import org.apache.pulsar.common.policies.data.SubscriptionStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instances of a job are running, as the broker sees them. Each instance holds one consumer,
 * named after the instance, on the job's membership topic; the broker drops it when the instance
 * stops, dies or stops answering its keep-alive pings, which are the same events that free the
 * instance's hash ranges on the input subscriptions. Every instance reads the list of consumers at a
 * fixed interval and computes the same key-group assignment from it ({@link Rendezvous}).
 *
 * <p>The list is only advice: two instances may briefly disagree. Ownership itself is fenced by the
 * broker (sticky hash ranges cannot overlap, changelog producers are exclusive).
 */
public final class Membership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    static final String SUBSCRIPTION = "members";
    private static final String KEY_GROUPS = "key.groups";
    /** The consumer property carrying an instance's HTTP endpoint, for queries forwarded to it. */
    private static final String ENDPOINT = "application.server";
    private static final long DUPLICATE_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final PulsarClient client;
    private final PulsarAdmin admin;
    private final String topic;
    private final String instanceId;
    private final int keyGroups;
    private final Duration interval;
    private final ScheduledExecutorService poller;
    private final AtomicLong version = new AtomicLong();
    private volatile List<String> members = List.of();
    private volatile BitSet target = new BitSet();
    private volatile BitSet standby = new BitSet();
    private volatile Map<String, BitSet> assignment = Map.of();
    private volatile boolean warned;
    private volatile Map<String, String> endpoints = Map.of();
    private final String endpoint;
    private Consumer<byte[]> consumer;

    public Membership(PulsarClient client, PulsarAdmin admin, String topic, String instanceId, int keyGroups,
                      Duration interval) {
        this(client, admin, topic, instanceId, keyGroups, interval, null);
    }

    /** @param endpoint this instance's HTTP endpoint, advertised to the others; null for none */
    public Membership(PulsarClient client, PulsarAdmin admin, String topic, String instanceId, int keyGroups,
                      Duration interval, String endpoint) {
        this.endpoint = endpoint;
        this.client = client;
        this.admin = admin;
        this.topic = topic;
        this.instanceId = instanceId;
        this.keyGroups = keyGroups;
        this.interval = interval;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "tributary-membership-" + instanceId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Joins: subscribes the instance's consumer, then waits until the broker lists it, refusing a
     * second running instance of the same name and instances that cut the hash space differently.
     */
    public void join(Duration timeout) {
        try {
            String namespace = org.apache.pulsar.common.naming.TopicName.get(topic).getNamespace();
            if (!admin.topics().getList(namespace).contains(topic)) {
                try {
                    admin.topics().createNonPartitionedTopic(topic);
                } catch (PulsarAdminException.ConflictException exists) {
                    // Another instance created it just now.
                }
            }
            consumer = client.newConsumer(Schema.BYTES).topic(topic).subscriptionName(SUBSCRIPTION)
                    .subscriptionType(SubscriptionType.Shared).consumerName(instanceId)
                    .properties(endpoint == null ? Map.of(KEY_GROUPS, Integer.toString(keyGroups))
                            : Map.of(KEY_GROUPS, Integer.toString(keyGroups), ENDPOINT, endpoint))
                    .receiverQueueSize(1)
                    .subscribe();
        } catch (Exception e) {
            throw new JobStartException("cannot join the instances of the job on membership topic '" + topic + "': "
                    + PulsarErrors.reason(e), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long duplicateSince = 0;
        String problem = "the broker does not list this instance yet";
        while (System.nanoTime() < deadline) {
            try {
                Map<String, Integer> seen = read();
                Integer mine = seen.get(instanceId);
                problem = mine == null ? "the broker does not list this instance yet"
                        : mine > 1 ? "another running instance is named '" + instanceId + "' (instance.id must differ"
                        + " between instances)" : null;
                if (mine != null && mine > 1) {
                    // A predecessor of the same name that just died leaves within moments; a live one stays.
                    if (duplicateSince == 0) {
                        duplicateSince = System.nanoTime();
                    } else if (System.nanoTime() - duplicateSince > DUPLICATE_PATIENCE_NANOS) {
                        break;
                    }
                }
                if (problem == null) {
                    update(seen);
                    poller.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(),
                            TimeUnit.MILLISECONDS);
                    return;
                }
            } catch (JobStartException e) {
                close();
                throw e;
            } catch (Exception e) {
                problem = PulsarErrors.reason(e);
            }
            sleep(Math.min(200, interval.toMillis()));
        }
        close();
        throw new JobStartException("cannot join the instances of the job on membership topic '" + topic + "': "
                + problem, null);
    }

    /** Running instances by name, with how many consumers each name has. */
    private Map<String, Integer> read() throws PulsarAdminException {
        SubscriptionStats subscription = admin.topics().getStats(topic).getSubscriptions().get(SUBSCRIPTION);
        Map<String, Integer> seen = new TreeMap<>();
        if (subscription == null) {
            return seen;
        }
        Map<String, String> advertised = new java.util.HashMap<>();
        for (ConsumerStats stats : subscription.getConsumers()) {
            String name = stats.getConsumerName();
            if (name == null) {
                continue;
            }
            String theirs = stats.getMetadata() == null ? null : stats.getMetadata().get(KEY_GROUPS);
            if (theirs != null && !theirs.equals(Integer.toString(keyGroups))) {
                throw new JobStartException("key.groups is " + keyGroups + " here but running instance '" + name
                        + "' of the same job uses " + theirs + "; all instances of a job must cut the hash space"
                        + " alike (stop them all to change it, and a job with state cannot change it at all)", null);
            }
            seen.merge(name, 1, Integer::sum);
            String theirEndpoint = stats.getMetadata() == null ? null : stats.getMetadata().get(ENDPOINT);
            if (theirEndpoint != null) {
                advertised.put(name, theirEndpoint);
            }
        }
        endpoints = Map.copyOf(advertised);
        return seen;
    }

    private void poll() {
        try {
            update(read());
            warned = false;
        } catch (Exception e) {
            if (!warned) {
                warned = true;
                LOG.warn("Instance '{}' cannot read the job's membership from topic '{}' ({}); keeping its key groups"
                        + " and trying again", instanceId, topic, PulsarErrors.reason(e));
            }
        }
    }

    private void update(Map<String, Integer> seen) {
        List<String> now = new ArrayList<>(seen.keySet());
        if (!now.contains(instanceId)) {
            // Not listed (reconnecting): keep what we had; the broker fences us if others claim it.
            return;
        }
        if (!now.equals(members)) {
            Map<String, BitSet> assignment = Rendezvous.assign(now, keyGroups);
            BitSet mine = assignment.get(instanceId);
            LOG.info("Instance '{}': {} running instance(s) {}; this one is assigned {} of {} key groups", instanceId,
                    now.size(), now, mine.cardinality(), keyGroups);
            members = List.copyOf(now);
            standby = Rendezvous.runnersUp(now, keyGroups, instanceId);
            target = mine;
            this.assignment = Map.copyOf(assignment);
            version.incrementAndGet();
        }
    }

    /**
     * The instance a key group is assigned to, as this instance sees the membership now.
     *
     * @return its instance id, or null while no assignment is known
     */
    public String ownerOf(int keyGroup) {
        for (Map.Entry<String, BitSet> entry : assignment.entrySet()) {
            if (entry.getValue().get(keyGroup)) {
                return entry.getKey();
            }
        }
        return null;
    }

    /** An instance's advertised HTTP endpoint, or null if it advertises none (or is not running). */
    public String endpointOf(String instance) {
        return instance == null ? null : endpoints.get(instance);
    }

    /** The running instances, by name, as last read. */
    public List<String> members() {
        return members;
    }

    /** The instance that would take a key group over first if its owner left, or null with fewer than two. */
    public String runnerUpOf(int keyGroup) {
        return dev.tributary.runtime.internal.keygroup.Rendezvous.runnerUp(members, keyGroup);
    }

    /** @return the key groups this instance should own now */
    public BitSet target() {
        return (BitSet) target.clone();
    }

    /** @return the key groups this instance would take over first: candidates for standby copies */
    public BitSet standby() {
        return (BitSet) standby.clone();
    }

    /** @return a number that changes whenever {@link #target()} may have */
    public long version() {
        return version.get();
    }


    public String instanceId() {
        return instanceId;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Leaves: the other instances see this one gone at their next look. */
    @Override
    public void close() {
        poller.shutdownNow();
        if (consumer != null) {
            try {
                consumer.close();
            } catch (Exception e) {
                consumer.closeAsync();
            }
            consumer = null;
        }
    }
}
