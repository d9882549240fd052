package dev.tributary.runtime.internal.task;

import dev.tributary.runtime.internal.metrics.HeldKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.internal.TestMessage;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Retries that hold only the failing key, and the error policies, without a broker. */
class FailuresTest {
    private final List<Delivery> deadLettered = new ArrayList<>();
    private final List<Delivery> done = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private long sequence;

    private Failures failures(String... settings) {
        Configuration config = Configuration.empty().with("errors.retry.attempts", "3")
                .with("errors.retry.initial-delay", "10ms").with("errors.retry.max-delay", "40ms")
                .with("errors.retry.max-held-per-key-group", "3");
        for (String setting : settings) {
            String[] parts = setting.split("=", 2);
            config = config.with(parts[0], parts[1]);
        }
        ErrorHandling errors = ErrorHandling.from(config, Set.of("map", "sink"));
        return new Failures(errors, new KeyGroups(4), new Failures.DeadLetterRoute() {
            @Override
            public String topicFor(Delivery delivery) {
                return "dlq";
            }

            @Override
            public void deadLetter(Delivery delivery) {
                deadLettered.add(delivery);
            }
        }, new TaskMetrics(registry, "app"), new Failures.Outcomes() {
            @Override
            public void done(Delivery delivery) {
                delivery.done();
                done.add(delivery);
            }

            @Override
            public void undone(Delivery delivery) {
                done.remove(delivery);
            }
        });
    }

    private Delivery delivery(String key) {
        return new Delivery(null, TestMessage.of("persistent://public/default/in", ++sequence, key, "v" + sequence),
                sequence);
    }

    private static Delivery.Failure processing(boolean retriable) {
        return new Delivery.Failure(Delivery.Kind.PROCESSING, "map", new IllegalStateException("boom"), retriable);
    }

    @Test
    void heldKeysNameTheLongestFailingKeysFirstWithTheirErrorAndWhatWaitsBehindThem() throws Exception {
        Failures failures = failures("errors.retry.max-held-per-key-group=100");
        assertSame(HeldKeys.NONE, failures.heldKeys(10));
        Delivery first = delivery("a");
        first.attempt();
        failures.failed(first, processing(true));
        failures.block(first);
        // The second key must start failing on a later millisecond than the first.
        long firstFailed = System.currentTimeMillis();
        while (System.currentTimeMillis() == firstFailed) {
            Thread.onSpinWait();
        }
        Delivery second = delivery("b");
        second.attempt();
        failures.failed(second, new Delivery.Failure(Delivery.Kind.PROCESSING, "sink",
                new IllegalStateException("the rating service refused it"), true));
        failures.block(second);
        assertTrue(failures.holdIfBlocked(delivery("a")));
        assertTrue(failures.holdIfBlocked(delivery("a")));
        assertTrue(failures.holdIfBlocked(delivery("b")));

        HeldKeys held = failures.heldKeys(10);
        assertEquals(2, held.failingKeys());
        assertEquals(3, held.heldRecords());
        assertEquals(List.of("a", "b"), held.keys().stream().map(HeldKeys.Key::key).toList(), "longest failing first");
        HeldKeys.Key a = held.keys().get(0);
        assertEquals(2, a.heldRecords());
        assertEquals(1, a.attempts());
        assertEquals("map", a.node());
        assertEquals("processing", a.kind());
        assertTrue(a.lastError().contains("boom"), a.lastError());
        assertEquals(new KeyGroups(4).ofKeyBytes("a".getBytes(java.nio.charset.StandardCharsets.UTF_8)), a.keyGroup());
        assertTrue(held.keys().get(1).lastError().contains("the rating service refused it"));
        assertSame(a, held.oldest());
        assertEquals(held.heldRecords(), held.keyGroups().stream().mapToLong(HeldKeys.Group::heldRecords).sum());
        assertEquals(2, held.keyGroups().stream().mapToInt(HeldKeys.Group::failingKeys).sum());
        assertEquals(List.of("a"), failures.heldKeys(1).keys().stream().map(HeldKeys.Key::key).toList(), "the top N");
    }

    @Test
    void aRetriableFailureWaitsWithBackoffAndHoldsOnlyItsOwnKey() {
        Failures failures = failures();
        Delivery failing = delivery("a");
        failing.attempt();
        long before = System.nanoTime();
        assertFalse(failures.failed(failing, processing(true)), "the key waits for the retry");
        failures.block(failing);
        assertEquals(Delivery.State.RETRYING, failing.state());
        assertTrue(failing.dueNanos() >= before + 10_000_000L, "backoff of the first retry");
        Delivery sameKey = delivery("a");
        Delivery otherKey = delivery("b");
        assertTrue(failures.holdIfBlocked(sameKey));
        assertEquals(Delivery.State.HELD, sameKey.state());
        assertFalse(failures.holdIfBlocked(otherKey), "other keys flow");
        assertEquals(2, failures.waiting());
        assertEquals(1.0, registry.get(TaskMetrics.RETRIED).counter().count());
    }

    @Test
    void onceDueTheHeadIsRetriedThenTheHeldRecordsInTheirOrder() {
        Failures failures = failures();
        Delivery head = delivery("a");
        head.attempt();
        failures.failed(head, processing(true));
        failures.block(head);
        Delivery second = delivery("a");
        Delivery third = delivery("a");
        failures.holdIfBlocked(second);
        failures.holdIfBlocked(third);
        List<Delivery> attempted = new ArrayList<>();
        failures.retryDue(head.dueNanos() - 1, d -> attempted.add(d));
        assertTrue(attempted.isEmpty(), "nothing before it is due");
        failures.retryDue(head.dueNanos(), d -> {
            attempted.add(d);
            return true;
        });
        assertEquals(List.of(head, second, third), attempted);
        assertTrue(failures.isEmpty());
        assertFalse(failures.holdIfBlocked(delivery("a")), "the key flows again");
    }

    @Test
    void aRecordThatKeepsFailingGoesToTheDeadLetterTopicAfterTheLastAttempt() {
        Failures failures = failures();
        Delivery failing = delivery("a");
        for (int attempt = 1; attempt < 3; attempt++) {
            failing.attempt();
            assertFalse(failures.failed(failing, processing(true)));
        }
        failing.attempt();
        assertTrue(failures.failed(failing, processing(true)), "after the last attempt the key moves on");
        assertEquals(List.of(failing), deadLettered);
        assertEquals(Delivery.State.DEAD_LETTERING, failing.state());
        assertTrue(done.isEmpty(), "acknowledged only once the dead letter is written");
    }

    @Test
    void aFailureThatNoRetryCanHelpIsSettledAtOnce() {
        Failures failures = failures();
        Delivery undecodable = delivery("a");
        undecodable.attempt();
        assertTrue(failures.settle(undecodable, new Delivery.Failure(Delivery.Kind.UNDECODABLE, "source",
                new IllegalArgumentException("bad bytes"), false)));
        assertEquals(List.of(undecodable), deadLettered);
    }

    @Test
    void theSkipPolicyIsDoneWithTheRecordAndCountsIt() {
        Failures failures = failures("errors.policy=skip");
        Delivery failing = delivery("a");
        failing.attempt();
        assertTrue(failures.failed(failing, processing(false)));
        assertEquals(List.of(failing), done);
        assertTrue(deadLettered.isEmpty());
        assertEquals(1.0, registry.get(TaskMetrics.SKIPPED).counter().count());
    }

    @Test
    void theFailPolicyStopsTheJobNamingTheNodeAndTheRecord() {
        Failures failures = failures("errors.policy=dead-letter", "errors.policy.nodes=map=fail");
        Delivery failing = delivery("a");
        failing.attempt();
        RecordFailedException e = assertThrows(RecordFailedException.class,
                () -> failures.failed(failing, processing(false)));
        assertTrue(e.getMessage().contains("node 'map'") && e.getMessage().contains("policy of node 'map' is fail"),
                e.getMessage());
        assertTrue(done.isEmpty() && deadLettered.isEmpty(), "nothing is acknowledged");
    }

    @Test
    void pastTheHeldLimitOfAKeyGroupTheInputMustPause() {
        Failures failures = failures();
        Delivery head = delivery("a");
        head.attempt();
        failures.failed(head, processing(true));
        failures.block(head);
        for (int i = 0; i < 2; i++) {
            failures.holdIfBlocked(delivery("a"));
        }
        assertFalse(failures.overLimit());
        failures.holdIfBlocked(delivery("a"));
        assertTrue(failures.overLimit());
    }

    @Test
    void droppingAClosedHeadLetsTheRecordBehindItBeTriedAtOnce() {
        Failures failures = failures();
        Delivery head = delivery("a");
        head.attempt();
        failures.failed(head, processing(true));
        failures.block(head);
        Delivery next = delivery("a");
        failures.holdIfBlocked(next);
        failures.removeIf(d -> d == head);
        assertEquals(Delivery.State.RETRYING, next.state());
        List<Delivery> attempted = new ArrayList<>();
        failures.retryDue(System.nanoTime(), d -> attempted.add(d));
        assertEquals(List.of(next), attempted);
        assertSame(next, attempted.get(0));
    }
}
