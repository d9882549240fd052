package dev.tributary.runtime.internal.ownership;

import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.input.Input;
import dev.tributary.runtime.internal.input.InputSubscriptions;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sources read without hash ranges (Failover and Exclusive subscriptions): one reader at a time
 * per subscription, whatever key groups it owns. The broker makes a second Failover consumer a
 * standby itself; a second Exclusive consumer it refuses, so for those this instance waits as a hot
 * standby, trying the subscription again from the task loop without blocking it, and takes the source
 * over when the instance holding it lets go.
 */
final class UnrangedSources {
    private static final Logger LOG = LoggerFactory.getLogger(UnrangedSources.class);
    private static final long TAKE_OVER_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final PulsarClient client;
    private final PulsarAdmin admin;
    private final TaskCore core;
    private final String subscription;
    private final String instanceId;
    private final int receiverQueueSize;
    private final Map<String, long[]> received;
    private final List<Input> inputs = new ArrayList<>();
    /** Exclusive sources another instance holds, with the attempt to take each over (null between attempts). */
    private final Map<SourceSpec, CompletableFuture<Consumer<Object>>> waiting = new LinkedHashMap<>();
    private long nextTakeOverNanos;

    /** Subscribes every source, or waits for the ones another instance holds exclusively. */
    UnrangedSources(PulsarClient client, PulsarAdmin admin, TaskCore core, String subscription, String instanceId,
                    int receiverQueueSize, Map<String, long[]> received, List<SourceSpec> sources) {
        this.client = client;
        this.admin = admin;
        this.core = core;
        this.subscription = subscription;
        this.instanceId = instanceId;
        this.receiverQueueSize = receiverQueueSize;
        this.received = received;
        sources.forEach(this::subscribeOrWait);
    }

    /** The inputs of the sources this instance reads now. */
    List<Input> inputs() {
        return inputs;
    }

    /**
     * Tries again to take over the sources another instance held, at most every 250 ms.
     *
     * @return whether the inputs changed
     */
    boolean tick() {
        if (waiting.isEmpty() || System.nanoTime() < nextTakeOverNanos) {
            return false;
        }
        nextTakeOverNanos = System.nanoTime() + TAKE_OVER_RETRY_NANOS;
        boolean changed = false;
        for (Map.Entry<SourceSpec, CompletableFuture<Consumer<Object>>> entry : new ArrayList<>(waiting.entrySet())) {
            SourceSpec source = entry.getKey();
            CompletableFuture<Consumer<Object>> attempt = entry.getValue();
            if (attempt == null) {
                waiting.put(source, InputSubscriptions.builder(client, source, subscription, consumerName(source),
                        List.of(), receiverQueueSize, false).subscribeAsync());
            } else if (attempt.isDone()) {
                try {
                    inputs.add(input(source, attempt.join()));
                    waiting.remove(source);
                    changed = true;
                    LOG.info("Instance '{}' took over source '{}' (exclusive subscription '{}')", instanceId,
                            source.name(), subscription);
                } catch (RuntimeException e) {
                    if (!heldElsewhere(e)) {
                        LOG.warn("Instance '{}' cannot subscribe source '{}' yet: {}", instanceId, source.name(),
                                PulsarErrors.reason(e));
                    }
                    waiting.put(source, null);
                }
            }
        }
        return changed;
    }

    /** After a lost lease: every source is subscribed again (or waited for). */
    void resubscribe() {
        List<Input> lost = new ArrayList<>(inputs);
        inputs.clear();
        for (Input old : lost) {
            old.close();
            subscribeOrWait(old.source());
        }
    }

    void close() {
        inputs.forEach(Input::close);
        waiting.values().forEach(attempt -> {
            if (attempt != null) {
                attempt.thenAccept(Consumer::closeAsync);
            }
        });
    }

    private void subscribeOrWait(SourceSpec source) {
        try {
            inputs.add(input(source, InputSubscriptions.subscribe(client, admin, source, subscription,
                    consumerName(source), List.of(), receiverQueueSize)));
        } catch (JobStartException e) {
            if (!heldElsewhere(e)) {
                throw e;
            }
            LOG.info("Instance '{}': another instance holds the exclusive subscription '{}' of source '{}'; this one"
                    + " waits as a hot standby and takes the source over when that instance stops", instanceId,
                    subscription, source.name());
            waiting.put(source, null);
        }
    }

    private Input input(SourceSpec source, Consumer<Object> consumer) {
        return new Input(source, consumer, core.source(source.name()), received.get(source.name()), null);
    }

    private String consumerName(SourceSpec source) {
        return instanceId + "-" + source.name();
    }

    private static boolean heldElsewhere(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (PulsarErrors.unwrap(cause) instanceof PulsarClientException.ConsumerBusyException) {
                return true;
            }
        }
        return false;
    }
}
