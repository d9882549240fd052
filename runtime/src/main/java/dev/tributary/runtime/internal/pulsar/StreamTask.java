package dev.tributary.runtime.internal.pulsar;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.ErrorPolicy;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Record;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.TaskMetrics;
import dev.tributary.state.StateDirectory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one processing thread: receive, process, retry what failed, and commit every interval
 * or every N records. A commit flushes the outputs and waits for their receipts, and only then
 * acknowledges the input done since the last commit; a crash anywhere before the acknowledgement
 * re-delivers.
 *
 * <p>A record that fails blocks its key: it is retried with backoff while later records of that key
 * wait behind it and other keys flow. A record that fails for good, does not decode, or whose output
 * is refused follows its node's error policy. It is acknowledged only when that policy is carried
 * out: once written to the dead-letter topic, or skipped.
 */
public final class StreamTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTask.class);
    private static final int DRAIN_LIMIT = 1000;

    private final String name;
    private List<Input> inputs = List.of();
    private final KeyGroupOwner owner;
    private final KeyGroups keyGroups;
    private final String internalNamespace;
    private final String applicationId;
    private final PulsarRecordCollector collector;
    private final TaskCore core;
    private final PulsarChangelog changelog;
    private final StateDirectory stateDirectory;
    private final ErrorHandling errors;
    private final SideWrites sideWrites;
    private final KeyedRetries retries;
    private final TaskMetrics metrics;
    private final long checkpointIntervalNanos;
    private final long commitIntervalNanos;
    private final int commitMaxRecords;
    private final long ackTimeoutMillis;
    private final long sendTimeoutNanos;
    private final long lingerNanos;
    private long nextDrain;

    private volatile boolean stopRequested;
    private volatile boolean abortRequested;
    private volatile Throwable failure;
    private volatile long processed;
    private volatile long commits;
    private volatile int pendingKeyGroups;

    private int uncommitted;
    private long nextCommit;
    private long nextCheckpoint;
    private int nextBlocking;
    private Input lastFed;
    private long sequence;
    private boolean paused;

    /**
     * @param changelog the task's changelogs, or null when no store is logged
     * @param stateDirectory where checkpoints go, or null for a stateless topology
     */
    public StreamTask(String name, PulsarConnections connections, List<dev.tributary.runtime.internal.compile.SourceSpec> sources,
                      PulsarRecordCollector collector, TaskCore core, PulsarChangelog changelog,
                      StateDirectory stateDirectory, Configuration config, ErrorHandling errors, KeyGroups keyGroups,
                      TaskMetrics metrics, String applicationId, dev.tributary.runtime.internal.cluster.Membership membership) {
        this.name = name;
        this.collector = collector;
        this.core = core;
        this.changelog = changelog;
        this.stateDirectory = stateDirectory;
        this.errors = errors;
        this.metrics = metrics;
        this.keyGroups = keyGroups;
        this.applicationId = applicationId;
        this.internalNamespace = config.get(RuntimeOptions.INTERNAL_NAMESPACE);
        this.retries = new KeyedRetries(keyGroups, errors.maxHeldPerKeyGroup());
        String fixedDeadLetterTopic = config.get(RuntimeOptions.DEAD_LETTER_TOPIC);
        if (fixedDeadLetterTopic != null) {
            fixedDeadLetterTopic = TopicNames.normalize(fixedDeadLetterTopic, RuntimeOptions.DEAD_LETTER_TOPIC.key());
        }
        this.sideWrites = new SideWrites(new DeadLetters(collector.client(), applicationId, fixedDeadLetterTopic,
                metrics, config.get(RuntimeOptions.SEND_TIMEOUT)), new Forwarder(collector.client(), keyGroups, metrics,
                config.get(RuntimeOptions.SEND_TIMEOUT), config.get(RuntimeOptions.BATCH_MAX_RECORDS)), errors);
        this.checkpointIntervalNanos = config.get(RuntimeOptions.CHECKPOINT_INTERVAL).toNanos();
        this.commitIntervalNanos = config.get(RuntimeOptions.COMMIT_INTERVAL).toNanos();
        this.commitMaxRecords = config.get(RuntimeOptions.COMMIT_MAX_RECORDS);
        this.ackTimeoutMillis = config.get(RuntimeOptions.OPERATION_TIMEOUT).toMillis();
        this.sendTimeoutNanos = config.get(RuntimeOptions.SEND_TIMEOUT).toNanos();
        this.lingerNanos = config.get(RuntimeOptions.BATCH_LINGER).toNanos();
        collector.stopping(() -> stopRequested || abortRequested);
        this.owner = new KeyGroupOwner(new KeyGroupOwner.Host() {
            @Override
            public void commitNow() throws Exception {
                commit();
            }

            @Override
            public void discardUncommitted() {
                StreamTask.this.discardUncommitted();
            }

            @Override
            public void dropClosed() {
                StreamTask.this.dropClosed();
            }

            @Override
            public void inputsChanged(List<Input> now) {
                if (paused) {
                    now.forEach(input -> input.consumer.pause());
                }
                inputs = List.copyOf(now);
            }
        }, connections, sources, internalNamespace, core, applicationId, membership.instanceId(), config, changelog,
                core.state(), metrics, membership, keyGroups);
    }

    /** Claims and restores the assigned key groups before the loop starts; errors surface to the caller. */
    public void start() {
        owner.start();
    }

    /** Key groups assigned here that are not processing yet (being claimed or restored). */
    public int pendingKeyGroups() {
        return pendingKeyGroups;
    }

    @Override
    public void run() {
        nextCommit = System.nanoTime() + commitIntervalNanos;
        nextCheckpoint = System.nanoTime() + checkpointIntervalNanos;
        try {
            while (!stopRequested && !abortRequested) {
                owner.tick();
                pendingKeyGroups = owner.pending();
                retryDue();
                poll();
                core.wallClock(System.currentTimeMillis());
                if (uncommitted >= commitMaxRecords || System.nanoTime() >= nextCommit) {
                    commit();
                } else if (System.nanoTime() >= nextDrain) {
                    // Key-group batches that did not fill within the linger leave without waiting for the commit.
                    collector.drainHeld();
                    nextDrain = System.nanoTime() + lingerNanos;
                }
            }
            if (!abortRequested) {
                try {
                    commit();
                } catch (SinkUnavailableException e) {
                    // Not a failure of the job: the input stays unacknowledged for the next run.
                    LOG.warn("Task {}: {}", name, e.getMessage());
                }
                checkpoint();
                owner.close();
                if (!retries.isEmpty() || sideWrites.waiting() > 0) {
                    LOG.info("Task {} leaves {} record(s) of {} failing key(s) and {} unwritten dead letter(s)"
                            + " unacknowledged; they are delivered again on restart", name, retries.held()
                            + retries.blockedKeys(), retries.blockedKeys(), sideWrites.waiting());
                }
                LOG.info("Task {} stopped after {} records and {} commits", name, processed, commits);
            }
        } catch (SinkUnavailableException e) {
            // Asked to stop while a sink's target was down: its records stay unacknowledged for the next run.
            LOG.warn("Task {}: {}", name, e.getMessage());
        } catch (Throwable t) {
            failure = t;
            LOG.error("Task {} failed; input processed since the last commit is not acknowledged and will be"
                    + " delivered again: {}", name, t.getMessage());
        } finally {
            owner.close();
            collector.close();
            sideWrites.close();
            if (changelog != null) {
                changelog.close();
            }
            core.close();
        }
    }

    private void poll() throws PulsarClientException {
        int received = 0;
        for (Input input : inputs) {
            received += drain(input);
        }
        if (received == 0 && inputs.isEmpty()) {
            // Nothing owned yet (key groups being claimed or restored, or more instances than key groups).
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        } else if (received == 0) {
            // Nothing waiting: held-back outputs leave now rather than at the commit, which keeps latency low
            // at moderate rates (at full load the input is never idle and batches stay whole).
            collector.drainHeld();
            // Nothing waiting anywhere: block for a short while on the input that last had records (most
            // inputs, such as forward topics, are idle nearly always), else on each in turn, but no later
            // than the next commit or retry.
            Input input = lastFed != null && !lastFed.closed ? lastFed : inputs.get(nextBlocking++ % inputs.size());
            long until = Math.min(nextCommit, retries.nextDueNanos());
            long waitMillis = Math.max(1, Math.min(inputs.size() == 1 ? 100 : 5, (until - System.nanoTime()) / 1_000_000));
            Message<Object> message = input.consumer.receive((int) waitMillis, TimeUnit.MILLISECONDS);
            if (message != null) {
                handle(input, message);
                drain(input);
            }
        }
    }

    private int drain(Input input) throws PulsarClientException {
        int count = 0;
        Message<Object> message;
        while (count < DRAIN_LIMIT && !stopRequested && !input.closed
                && (message = input.consumer.receive(0, TimeUnit.MILLISECONDS)) != null) {
            handle(input, message);
            count++;
        }
        if (count > 0) {
            lastFed = input;
        }
        return count;
    }

    private void handle(Input input, Message<Object> message) {
        Delivery delivery = new Delivery(input, message, ++sequence);
        input.unresolved++;
        input.received[0]++;
        if (!owner.ownsAll() && misrouted(delivery)) {
            return;
        }
        if (retries.holdIfBlocked(delivery)) {
            updatePause();
            return;
        }
        if (!attempt(delivery)) {
            retries.block(delivery);
        }
    }

    /**
     * A record of a key group that does not run here is forwarded to its owner, unless it cannot be
     * decoded (no owner could process it: it goes to the error policy here).
     *
     * @return true if the record was taken care of
     */
    private boolean misrouted(Delivery delivery) {
        Message<Object> message = delivery.message;
        byte[] routing = message.hasOrderingKey() ? message.getOrderingKey() : delivery.keyBytes();
        if (routing == null) {
            return false;
        }
        if (owner.runs(keyGroups.ofKeyBytes(routing))) {
            return false;
        }
        try {
            delivery.input.decode(message);
        } catch (UndecodableRecordException e) {
            return false;
        }
        sideWrites.forward(delivery, Forwarder.topic(internalNamespace, applicationId, delivery.input.source), routing);
        return true;
    }

    /**
     * Decodes and processes a delivery once.
     *
     * @return true if the key may move on (the record is done, skipped or on its way to the dead-letter
     *     topic), false if it waits for a retry at its {@code dueNanos}
     */
    private boolean attempt(Delivery delivery) {
        delivery.attempts++;
        Input input = delivery.input;
        Record record;
        try {
            record = input.decode(delivery.message);
        } catch (UndecodableRecordException e) {
            delivery.failure = new Delivery.Failure(Delivery.Kind.UNDECODABLE, input.source.name(), e, false);
            return settle(delivery);
        }
        collector.origin(delivery);
        try {
            core.process(input.processor, record);
        } catch (ProcessingException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            Delivery.Kind kind = cause instanceof ProcessingException.InvalidRecordException ? Delivery.Kind.INVALID
                    : cause instanceof JobStartException ? Delivery.Kind.OUTPUT : Delivery.Kind.PROCESSING;
            delivery.failure = new Delivery.Failure(kind, e.node(), cause, e.retriable());
            return failed(delivery);
        } finally {
            collector.origin(null);
        }
        done(delivery);
        return true;
    }

    private boolean failed(Delivery delivery) {
        Delivery.Failure failure = delivery.failure;
        if (failure.retriable() && delivery.attempts < errors.attempts()) {
            long delay = errors.backoffNanos(delivery.attempts);
            delivery.dueNanos = System.nanoTime() + delay;
            metrics.retried(failure.node());
            LOG.warn("{} failed at node '{}' (attempt {} of {}); retrying in {} ms while later records of its key"
                    + " wait: {}", delivery.describe(), failure.node(), delivery.attempts, errors.attempts(),
                    delay / 1_000_000, PulsarErrors.reason(failure.error()));
            return false;
        }
        return settle(delivery);
    }

    /** Carries out the node's policy for a record that failed for good. */
    private boolean settle(Delivery delivery) {
        Delivery.Failure failure = delivery.failure;
        ErrorPolicy policy = errors.policy(failure.node());
        String why = delivery.describe() + " failed at node '" + failure.node() + "' (" + failure.kind().label
                + (failure.retriable() ? ", after " + delivery.attempts + " attempt(s)" : ", not retried") + "): "
                + PulsarErrors.reason(failure.error());
        switch (policy) {
            case SKIP:
                metrics.skipped(failure.node(), failure.kind().label);
                LOG.warn("Skipping {} (errors.policy skip)", why);
                done(delivery);
                return true;
            case FAIL:
                metrics.failed(failure.node(), failure.kind().label);
                throw new RecordFailedException(why + "; the error policy of node '" + failure.node() + "' is fail,"
                        + " so the job stops; the record is not acknowledged and is delivered again when the job"
                        + " restarts", failure.error());
            default:
                LOG.warn("Dead-lettering {} to '{}'", why, sideWrites.deadLetterTopic(delivery));
                sideWrites.deadLetter(delivery);
                return true;
        }
    }

    private void done(Delivery delivery) {
        if (delivery.input.closed) {
            return;
        }
        delivery.input.acks.delivered(delivery.message);
        delivery.input.unresolved--;
        delivery.done = true;
        uncommitted++;
        if ((++processed & 15) == 0) {
            metrics.latency(System.currentTimeMillis() - delivery.message.getPublishTime());
        }
    }

    /** Retries the keys whose wait is over, then the records that waited behind them, in order. */
    private void retryDue() {
        long now = System.nanoTime();
        KeyedRetries.Blocked entry;
        while ((entry = retries.pollDue(now)) != null) {
            if (!attempt(entry.head)) {
                retries.reschedule(entry);
                continue;
            }
            Delivery next;
            while ((next = retries.release(entry)) != null) {
                if (!attempt(next)) {
                    retries.blockAgain(entry, next);
                    break;
                }
            }
        }
        sideWrites.retryDue(now, this::misrouted, delivery -> {
            // Its key group runs here by now.
            if (!retries.holdIfBlocked(delivery) && !attempt(delivery)) {
                retries.block(delivery);
            }
        });
        updatePause();
    }

    /** Past the held-record limit of a key group, stop fetching until retries release records. */
    private void updatePause() {
        boolean over = retries.overLimit();
        if (over && !paused) {
            paused = true;
            metrics.inputPaused();
            LOG.warn("Task {}: a key group holds {} or more records behind failing keys"
                    + " (errors.retry.max-held-per-key-group); pausing input until retries release them", name,
                    errors.maxHeldPerKeyGroup());
            inputs.forEach(input -> input.consumer.pause());
        } else if (!over && paused) {
            paused = false;
            LOG.info("Task {}: held records below the limit again; resuming input", name);
            inputs.forEach(input -> input.consumer.resume());
        }
        metrics.held(retries.held() + retries.blockedKeys());
    }

    /**
     * Caches are written out first (their table updates become outputs), then outputs and changelogs
     * are made durable, dead-letter writes confirmed, and only then is the input acknowledged.
     * Punctuations can change state without input, so the flushes run even when nothing awaits
     * acknowledgement.
     */
    private void commit() throws Exception {
        long began = System.nanoTime();
        core.flushState();
        if (changelog != null) {
            // State first: an instance whose key groups were taken over is fenced here, before any of its
            // held-back outputs leave.
            try {
                changelog.flush();
            } catch (OutputException e) {
                // Fenced, or cut off while the broker gave our key groups away: nothing of this commit counts.
                if (!(e instanceof PulsarChangelog.FencedException) && !owner.anyLeaseLost()) {
                    throw e;
                }
                owner.leaseLost(e.getMessage());
                nextCommit = System.nanoTime() + commitIntervalNanos;
                return;
            }
        }
        List<OutputFailure> refused = collector.flushReportingFailures();
        if (!refused.isEmpty()) {
            outputsRefused(refused);
        }
        sideWrites.await(System.nanoTime() + sendTimeoutNanos);
        sideWrites.collect(delivery -> {
            metrics.dead(delivery.failure.node(), delivery.failure.kind().label);
            done(delivery);
        }, this::done);
        if (uncommitted > 0) {
            acknowledge();
            metrics.commitTimer().record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        }
        nextCommit = System.nanoTime() + commitIntervalNanos;
        if (System.nanoTime() >= nextCheckpoint) {
            checkpoint();
        }
    }

    /** After a lost lease: nothing done since the last commit is written or acknowledged. */
    private void discardUncommitted() {
        core.state().discardCaches();
        collector.discard();
        sideWrites.discard();
        retries.clear();
        for (Input input : inputs) {
            input.acks.clear();
        }
        uncommitted = 0;
        updatePause();
    }

    /** After consumers closed: their undone deliveries come again to whoever holds the ranges next. */
    private void dropClosed() {
        retries.removeIf(delivery -> delivery.input.closed);
        sideWrites.removeIf(delivery -> delivery.input.closed);
        updatePause();
    }

    private void acknowledge() throws InterruptedException {
        List<CompletableFuture<Void>> acks = new ArrayList<>(inputs.size());
        long count = 0;
        for (Input input : inputs) {
            count += input.acks.pending();
        }
        metrics.acked(count);
        for (Input input : inputs) {
            if (!input.closed) {
                acks.add(input.acks.commit(input.consumer, input.unresolved > 0));
            }
        }
        try {
            CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get(ackTimeoutMillis, TimeUnit.MILLISECONDS);
            commits++;
        } catch (ExecutionException | TimeoutException e) {
            // An acknowledgement that does not arrive means redelivery, never loss: the records are done.
            metrics.ackFailed();
            LOG.warn("Task {}: acknowledgements of a commit did not complete ({}); those records may be delivered"
                    + " again", name, PulsarErrors.reason(e));
        }
        uncommitted = 0;
    }

    /**
     * Writes the broker refused: the records they came from are taken back from this commit and go
     * through retries and policies like records whose processing failed. Their key's later records may
     * already be done, so for them per-key order is not kept.
     */
    private void outputsRefused(List<OutputFailure> refused) {
        Map<Delivery, OutputFailure> byOrigin = new IdentityHashMap<>();
        for (OutputFailure failure : refused) {
            metrics.outputFailed(failure.sink());
            if (failure.origin() == null) {
                throw new OutputException("cannot write to topic '" + failure.topic() + "' (sink '" + failure.sink()
                        + "'): " + PulsarErrors.reason(failure.error()) + "; the record derives from no single input"
                        + " record (a table update or a punctuation), so the job stops and the input since the last"
                        + " commit is delivered again", failure.error());
            }
            byOrigin.putIfAbsent((Delivery) failure.origin(), failure);
        }
        List<Delivery> origins = new ArrayList<>(byOrigin.keySet());
        // Latest first: each goes in front of its key, so the earliest ends up at the head.
        origins.sort(Comparator.comparingLong((Delivery d) -> d.sequence).reversed());
        for (Delivery delivery : origins) {
            if (!delivery.done || delivery.input.closed) {
                // Written by an attempt that failed later on: the delivery is on a failure path already.
                continue;
            }
            OutputFailure failure = byOrigin.get(delivery);
            delivery.done = false;
            delivery.input.acks.withdraw(delivery.message.getMessageId());
            delivery.input.unresolved++;
            uncommitted--;
            processed--;
            delivery.failure = new Delivery.Failure(Delivery.Kind.OUTPUT, failure.sink(), failure.error(),
                    PulsarErrors.retriable(failure.error()));
            if (!failed(delivery)) {
                retries.block(delivery);
            }
        }
        updatePause();
    }

    /** Local files are flushed and the changelog positions they reflect recorded, after a commit. */
    private void checkpoint() {
        if (changelog != null && stateDirectory != null) {
            changelog.checkpoint(core.state(), stateDirectory);
        }
        // Counted here, on the task's thread, because the stores are not safe to read from another.
        core.state().approximateEntries().forEach((store, entries) ->
                metrics.gauge(TaskMetrics.STATE_ENTRIES, "store", store).set(entries));
        core.state().approximateBytes().forEach((store, bytes) ->
                metrics.gauge(TaskMetrics.STATE_BYTES, "store", store).set(bytes));
        nextCheckpoint = System.nanoTime() + checkpointIntervalNanos;
    }

    /** Finish the records in hand, commit, and stop. */
    public void requestStop() {
        stopRequested = true;
    }

    /** Stop at once without committing, as a crash would: the uncommitted input will be re-delivered. */
    public void abort() {
        abortRequested = true;
    }

    public Throwable failure() {
        return failure;
    }

    public long processed() {
        return processed;
    }

    public long commits() {
        return commits;
    }
}
