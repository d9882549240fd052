package dev.tributary.runtime;

import static dev.tributary.runtime.PulsarTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import dev.tributary.testkit.pulsar.PulsarExtension;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.transaction.coordinator.proto.TxnStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * processing.guarantee=exactly-once on a real broker: outputs, changelogs and acknowledgements go in
 * one transaction per commit, so that hand-overs and a broker restart leave no duplicate and no gap.
 */
@ExtendWith(PulsarExtension.class)
class ExactlyOnceIT {
    private static final int KEYS = 200;
    private static final int PER_KEY = 60;

    /**
     * Publishes one round (a record of every key) at a time, each once the job has acknowledged the
     * one before, so that records flow meanwhile.
     */
    private static void publishRounds(EmbeddedPulsar pulsar, PulsarClient client, String input, String app, int from,
                                      int to) {
        try {
            for (int seq = from; seq < to; seq++) {
                ExactOutputs.publish(client, input, KEYS, seq, seq + 1);
                await("round " + seq + " acknowledged", Duration.ofSeconds(60), () -> {
                    try {
                        return backlog(pulsar, input, app) == 0;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        } catch (Exception e) {
            throw new IllegalStateException("publishing to " + input + " failed", e);
        }
    }

    static Configuration exactlyOnce(Configuration config, Path stateDir) {
        return config.with(RuntimeOptions.PROCESSING_GUARANTEE, ProcessingGuarantee.EXACTLY_ONCE)
                .with(RuntimeOptions.STATE_DIR, stateDir.toString());
    }


    /**
     * A second instance joins while records flow, takes half the key groups, processes its share and
     * leaves again. Half of the middle third is published round by round while it claims; the other
     * half once it holds its key groups, so that it has records of its own to process however long the
     * hand-over takes (in a loaded run the first half was all processed by the first instance before
     * the second held anything).
     */
    @Test
    void handOversUnderExactlyOnceLeaveNoDuplicateAndNoGap(EmbeddedPulsar pulsar, @TempDir Path dirA,
                                                           @TempDir Path dirB) throws Exception {
        String input = unique("eo-in");
        String echo = unique("eo-echo");
        String counts = unique("eo-counts");
        String app = unique("eo");
        createTopic(pulsar, input);
        try (PulsarClient client = pulsar.newClient()) {
            ExactOutputs.publish(client, input, KEYS, 0, PER_KEY / 3);
            try (JobRunner a = new JobRunner(CountJobMain.topology(input, echo, counts),
                    exactlyOnce(config(pulsar, app), dirA).with(RuntimeOptions.INSTANCE_ID, "a")).start()) {
                await("a third counted", Duration.ofSeconds(60), () -> a.processedRecords() >= KEYS * PER_KEY / 3);
                // A second instance takes half the key groups while records flow, then leaves again.
                int middle = PER_KEY / 2;
                java.util.concurrent.CompletableFuture<Void> flowing = java.util.concurrent.CompletableFuture.runAsync(
                        () -> publishRounds(pulsar, client, input, app, PER_KEY / 3, middle));
                try (JobRunner b = new JobRunner(CountJobMain.topology(input, echo, counts),
                        exactlyOnce(config(pulsar, app), dirB).with(RuntimeOptions.INSTANCE_ID, "b")).start()) {
                    await("b holds its key groups", Duration.ofSeconds(60),
                            () -> b.ownedKeyGroups() > 0 && b.pendingKeyGroups() == 0);
                    flowing.get(60, java.util.concurrent.TimeUnit.SECONDS);
                    ExactOutputs.publish(client, input, KEYS, middle, 2 * PER_KEY / 3);
                    await("b processes its share", Duration.ofSeconds(60), () -> b.processedRecords() > 0);
                }
                ExactOutputs.publish(client, input, KEYS, 2 * PER_KEY / 3, PER_KEY);
                System.out.println("ExactlyOnceIT: " + ExactOutputs.check(client, echo, counts, KEYS, PER_KEY,
                        Duration.ofSeconds(90)));
                assertEquals(JobState.RUNNING, a.state());
                double commits = a.meterRegistry().get("tributary.commits").timer().count();
                assertTrue(commits > 0, "commits are timed");
            }
        }
    }

    @Test
    void aBrokerRestartUnderExactlyOnceLeavesNoDuplicateAndNoGap(@TempDir Path brokerDir, @TempDir Path stateDir)
            throws Exception {
        try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().dataDirectory(brokerDir).build().start()) {
            String input = "eo-restart-in";
            String echo = "eo-restart-echo";
            String counts = "eo-restart-counts";
            createTopic(pulsar, input);
            try (PulsarClient client = pulsar.newClient()) {
                ExactOutputs.publish(client, input, KEYS, 0, PER_KEY / 2);
                try (JobRunner job = new JobRunner(CountJobMain.topology(input, echo, counts),
                        exactlyOnce(config(pulsar, "eo-restart"), stateDir)
                                // Inputs a stopped broker leaves held are unloaded after twice this plus 10 s.
                                .with(RuntimeOptions.TRANSACTION_TIMEOUT, Duration.ofSeconds(10))).start()) {
                    await("some input counted", Duration.ofSeconds(60), () -> job.processedRecords() >= KEYS * PER_KEY / 6);
                    pulsar.stop();
                    pulsar.start();
                    ExactOutputs.publish(client, input, KEYS, PER_KEY / 2, PER_KEY);
                    System.out.println("ExactlyOnceIT restart: " + ExactOutputs.check(client, echo, counts, KEYS,
                            PER_KEY, Duration.ofSeconds(120)));
                    assertEquals(JobState.RUNNING, job.state(), "the job rode out the restart: " + job.failure());
                }
            }
        }
    }

    /**
     * A broker that forgets acknowledgements of committed transactions delivers their input again: seen
     * with Pulsar 4.0.7 after broker crashes (docs/GUARANTEES.md). Rewinding the subscription to the start
     * does the same on purpose, twice: once while the job runs, and once before a new instance starts on
     * an empty state directory, which knows each key's committed input position from the changelog alone.
     * Nothing is processed twice, and the redelivered records are counted.
     */
    @Test
    void inputDeliveredAgainAfterItsCommitIsNotProcessedTwice(EmbeddedPulsar pulsar, @TempDir Path first,
            @TempDir Path second) throws Exception {
        String input = unique("eo-again-in");
        String echo = unique("eo-again-echo");
        String counts = unique("eo-again-counts");
        String app = unique("eo-again");
        createTopic(pulsar, input);
        int keys = KEYS / 4;
        try (PulsarClient client = pulsar.newClient()) {
            ExactOutputs.publish(client, input, keys, 0, PER_KEY / 2);
            try (JobRunner job = new JobRunner(CountJobMain.topology(input, echo, counts),
                    exactlyOnce(config(pulsar, app), first)).start()) {
                await("half counted", Duration.ofSeconds(60), () -> job.processedRecords() >= keys * PER_KEY / 2
                        && job.meterRegistry().get("tributary.commits").timer().count() > 0);
                ExactOutputs.check(client, echo, counts, keys, PER_KEY / 2, Duration.ofSeconds(60));
                pulsar.admin().topics().resetCursor(input, app, org.apache.pulsar.client.api.MessageId.earliest);
                await("the rewound half skipped", Duration.ofSeconds(90), () -> redelivered(job) >= keys * PER_KEY / 2);
                ExactOutputs.publish(client, input, keys, PER_KEY / 2, 3 * PER_KEY / 4);
                System.out.println("ExactlyOnceIT rewound while running: " + ExactOutputs.check(client, echo, counts,
                        keys, 3 * PER_KEY / 4, Duration.ofSeconds(90)));
                assertEquals(JobState.RUNNING, job.state(), "the job rode out the rewind: " + job.failure());
            }
            pulsar.admin().topics().resetCursor(input, app, org.apache.pulsar.client.api.MessageId.earliest);
            ExactOutputs.publish(client, input, keys, 3 * PER_KEY / 4, PER_KEY);
            try (JobRunner job = new JobRunner(CountJobMain.topology(input, echo, counts),
                    exactlyOnce(config(pulsar, app), second)).start()) {
                System.out.println("ExactlyOnceIT rewound before a restore: " + ExactOutputs.check(client, echo, counts,
                        keys, PER_KEY, Duration.ofSeconds(120)));
                assertEquals(keys * 3 * PER_KEY / 4, redelivered(job), "every record committed before was skipped");
            }
        }
    }

    private static long redelivered(JobRunner job) {
        return (long) job.meterRegistry().find("tributary.records.redelivered").counters().stream()
                .mapToDouble(counter -> counter.count()).sum();
    }

    /**
     * A broker stopped in the middle of a commit was seen to confirm the commit at its coordinator while
     * some changelog partitions never received the end marker: those partitions then held every later
     * message back, the claim marker included, and the key groups' restores waited for ever. This
     * leaves a partition in that state on purpose (the coordinator is told the transaction committed,
     * the partition is not) and checks that the restore gets past it and the counts stay exact.
     */
    @Test
    void aChangelogPartitionHeldByATransactionItsCoordinatorEndedDoesNotStopTheRestore(EmbeddedPulsar pulsar,
            @TempDir Path first, @TempDir Path second) throws Exception {
        String input = unique("eo-stale-in");
        String echo = unique("eo-stale-echo");
        String counts = unique("eo-stale-counts");
        String app = unique("eo-stale");
        createTopic(pulsar, input);
        int keys = KEYS / 4;
        try (PulsarClient client = pulsar.newClient()) {
            ExactOutputs.publish(client, input, keys, 0, PER_KEY / 2);
            try (JobRunner job = new JobRunner(CountJobMain.topology(input, echo, counts),
                    exactlyOnce(config(pulsar, app), first)).start()) {
                await("half counted", Duration.ofSeconds(60), () -> job.processedRecords() >= keys * PER_KEY / 2);
            }
            // The key group of key k0, which has records to restore and to count afterwards.
            int group = new dev.tributary.runtime.internal.keygroup.KeyGroups(64).ofKey("k0");
            String partition = "persistent://public/default/" + app + "-count-2-store-changelog-partition-" + group;
            org.apache.pulsar.client.api.transaction.Transaction stale = client.newTransaction()
                    .withTransactionTimeout(10, java.util.concurrent.TimeUnit.MINUTES).build().get();
            try (org.apache.pulsar.client.api.Producer<byte[]> producer = client.newProducer(
                    org.apache.pulsar.client.api.Schema.BYTES).topic(partition)
                    .sendTimeout(0, java.util.concurrent.TimeUnit.SECONDS).create()) {
                producer.newMessage(stale).key("stale").value(new byte[] {1, 2, 3}).send();
            }
            endAtCoordinatorOnly(pulsar, stale.getTxnID());
            assertEquals(1, pulsar.admin().transactions().getTransactionBufferStats(partition).ongoingTxnSize,
                    "the partition holds the transaction open");
            ExactOutputs.publish(client, input, keys, PER_KEY / 2, PER_KEY);
            // An empty state directory: every key group is restored from its changelog, k0's through the
            // partition that holds the transaction.
            try (JobRunner job = new JobRunner(CountJobMain.topology(input, echo, counts),
                    exactlyOnce(config(pulsar, app), second)).start()) {
                System.out.println("ExactlyOnceIT stale transaction: " + ExactOutputs.check(client, echo, counts, keys,
                        PER_KEY, Duration.ofSeconds(90)));
                assertEquals(JobState.RUNNING, job.state(), "the job kept running: " + job.failure());
            }
        }
    }

    /** Ends a transaction at its coordinator without telling the partitions it wrote to. */
    private static void endAtCoordinatorOnly(EmbeddedPulsar pulsar, org.apache.pulsar.client.api.transaction.TxnID id)
            throws Exception {
        java.lang.reflect.Field standaloneField = EmbeddedPulsar.class.getDeclaredField("standalone");
        standaloneField.setAccessible(true);
        Object standalone = standaloneField.get(pulsar);
        java.lang.reflect.Field brokerField = org.apache.pulsar.PulsarStandalone.class.getDeclaredField("broker");
        brokerField.setAccessible(true);
        org.apache.pulsar.broker.PulsarService broker = (org.apache.pulsar.broker.PulsarService) brokerField.get(standalone);
        var store = broker.getTransactionMetadataStoreService().getStores()
                .get(new org.apache.pulsar.transaction.coordinator.TransactionCoordinatorID(id.getMostSigBits()));
        store.updateTxnStatus(id, TxnStatus.COMMITTING, TxnStatus.OPEN, false).get();
        store.updateTxnStatus(id, TxnStatus.COMMITTED, TxnStatus.COMMITTING, false).get();
    }

    @Test
    void aDueCommitFillsItsTransactionWhileTheOneBeforeEndsInsteadOfStoppingTheTask(EmbeddedPulsar pulsar,
                                                                                    @TempDir Path stateDir)
            throws Exception {
        String input = unique("eo-due-in");
        String echo = unique("eo-due-echo");
        String counts = unique("eo-due-counts");
        createTopic(pulsar, input);
        // Commit points every 5 ms, far more often than a transaction ends on this broker.
        Configuration config = exactlyOnce(config(pulsar, unique("eo-due")), stateDir)
                .with(RuntimeOptions.COMMIT_INTERVAL, Duration.ofMillis(5))
                .with(RuntimeOptions.COMMIT_MAX_RECORDS, 1_000_000);
        try (PulsarClient client = pulsar.newClient()) {
            int keys = KEYS / 2;
            ExactOutputs.publish(client, input, keys, 0, PER_KEY);
            try (JobRunner job = new JobRunner(CountJobMain.topology(input, echo, counts), config).start()) {
                System.out.println("ExactlyOnceIT due commits: " + ExactOutputs.check(client, echo, counts, keys,
                        PER_KEY, Duration.ofSeconds(90)));
                var phases = job.meterRegistry().find("tributary.commits.phase");
                var acks = phases.tag("phase", "acks").timer();
                var wait = job.meterRegistry().find("tributary.commits.phase").tag("phase", "wait").timer();
                assertTrue(acks != null && acks.count() > 1, "several commits ended in the background");
                // Seal only once the commit before has ended: the next commit point finds it done.
                double waited = wait == null ? 0 : wait.max(java.util.concurrent.TimeUnit.MILLISECONDS);
                assertTrue(waited < 50, "a commit point stopped the task " + waited + " ms for the commit before"
                        + " it (acknowledgements took " + acks.max(java.util.concurrent.TimeUnit.MILLISECONDS)
                        + " ms at most)");
            }
        }
    }

    @Test
    void aBrokerWithoutTransactionsIsNamedWithItsSettings(@TempDir Path stateDir) throws Exception {
        try (EmbeddedPulsar plain = EmbeddedPulsar.builder().withoutTransactions().build().start()) {
            JobRunner job = new JobRunner(CountJobMain.topology("in", "echo", "counts"),
                    exactlyOnce(config(plain, "eo-refused"), stateDir));
            JobStartException e = assertThrows(JobStartException.class, job::start);
            assertTrue(e.getMessage().startsWith("processing.guarantee=exactly-once needs Pulsar transactions, but the"
                    + " broker at "), e.getMessage());
            assertTrue(e.getMessage().contains("transactionCoordinatorEnabled=false"), e.getMessage());
            assertTrue(e.getMessage().contains("acknowledgmentAtBatchIndexLevelEnabled=true"), e.getMessage());
        }
    }

    @Test
    void aTransactionTimeoutBelowThreeCommitIntervalsIsRefused(EmbeddedPulsar pulsar, @TempDir Path stateDir) {
        Configuration config = exactlyOnce(config(pulsar, unique("eo-timeout")), stateDir)
                .with(RuntimeOptions.COMMIT_INTERVAL, Duration.ofSeconds(2))
                .with(RuntimeOptions.TRANSACTION_TIMEOUT, Duration.ofSeconds(5));
        var e = assertThrows(dev.tributary.dsl.config.ConfigException.class,
                () -> new JobRunner(CountJobMain.topology("in", "echo", "counts"), config));
        assertTrue(e.getMessage().contains("transaction.timeout (PT5S) must be at least three times commit.interval"),
                e.getMessage());
    }
}
