package dev.tributary.runtime.internal.ownership;

import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.input.InputSubscriptions;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.PulsarClient;

/**
 * The paused subscriptions that claim a set of key groups: one consumer per ranged source with the
 * groups' sticky hash ranges. The broker accepts them only once no other consumer holds any of the
 * ranges.
 */
final class Claim {
    final BitSet groups;
    final List<SourceSpec> specs;
    /** When the claim began: one the broker leaves unanswered is given up after a while (see PendingClaims). */
    final long startedNanos = System.nanoTime();
    private final List<CompletableFuture<Consumer<Object>>> consumers = new ArrayList<>();

    Claim(PulsarClient client, BitSet groups, List<SourceSpec> specs, String subscription, String consumerPrefix,
          List<org.apache.pulsar.client.api.Range> ranges, int receiverQueueSize) {
        this.groups = groups;
        this.specs = List.copyOf(specs);
        for (SourceSpec source : specs) {
            consumers.add(InputSubscriptions.builder(client, source, subscription,
                    consumerPrefix + "-" + source.name(), ranges, receiverQueueSize, true).subscribeAsync());
        }
    }

    boolean done() {
        return consumers.stream().allMatch(CompletableFuture::isDone);
    }

    /** Waits until every subscription is answered, at most the timeout. */
    void await(Duration timeout) {
        try {
            CompletableFuture.allOf(consumers.toArray(new CompletableFuture[0])).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Inspected per consumer by error().
        }
    }

    /** @return why the claim did not succeed (a subscription refused or unanswered), or null if it did */
    Throwable error() {
        for (CompletableFuture<Consumer<Object>> consumer : consumers) {
            if (!consumer.isDone()) {
                return new IllegalStateException("subscription not confirmed in time");
            }
            if (consumer.isCompletedExceptionally()) {
                try {
                    consumer.join();
                } catch (Exception e) {
                    return PulsarErrors.unwrap(e);
                }
            }
        }
        return null;
    }

    /** @return the source whose subscription failed first */
    SourceSpec failedSource() {
        for (int i = 0; i < consumers.size(); i++) {
            if (!consumers.get(i).isDone() || consumers.get(i).isCompletedExceptionally()) {
                return specs.get(i);
            }
        }
        return specs.get(0);
    }

    /** @return the consumers, once {@link #error()} is null */
    Consumer<Object> consumer(int index) {
        return consumers.get(index).join();
    }

    /** Lets go of whatever was subscribed. */
    void close() {
        for (CompletableFuture<Consumer<Object>> consumer : consumers) {
            consumer.thenAccept(Consumer::closeAsync);
        }
    }
}
