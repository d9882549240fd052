package dev.tributary.runtime.internal.pulsar;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.TaskCore;
import dev.tributary.state.StateDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one processing thread: receive, process, and commit every interval or every N records.
 * A commit flushes the outputs and waits for their receipts, and only then acknowledges the input
 * processed since the last commit; a crash anywhere before the acknowledgement re-delivers.
 */
public final class StreamTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTask.class);
    private static final int DRAIN_LIMIT = 1000;

    private final String name;
    private final List<Input> inputs;
    private final PulsarRecordCollector collector;
    private final TaskCore core;
    private final PulsarChangelog changelog;
    private final StateDirectory stateDirectory;
    private final long checkpointIntervalNanos;
    private final long commitIntervalNanos;
    private final int commitMaxRecords;
    private final long ackTimeoutMillis;

    private volatile boolean stopRequested;
    private volatile boolean abortRequested;
    private volatile Throwable failure;
    private volatile long processed;
    private volatile long commits;

    private int uncommitted;
    private long nextCommit;
    private long nextCheckpoint;
    private int nextBlocking;

    /**
     * @param changelog the task's changelogs, or null when no store is logged
     * @param stateDirectory where checkpoints go, or null for a stateless topology
     */
    public StreamTask(String name, List<Input> inputs, PulsarRecordCollector collector, TaskCore core,
                      PulsarChangelog changelog, StateDirectory stateDirectory, Configuration config) {
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.collector = collector;
        this.core = core;
        this.changelog = changelog;
        this.stateDirectory = stateDirectory;
        this.checkpointIntervalNanos = config.get(RuntimeOptions.CHECKPOINT_INTERVAL).toNanos();
        this.commitIntervalNanos = config.get(RuntimeOptions.COMMIT_INTERVAL).toNanos();
        this.commitMaxRecords = config.get(RuntimeOptions.COMMIT_MAX_RECORDS);
        this.ackTimeoutMillis = config.get(RuntimeOptions.OPERATION_TIMEOUT).toMillis();
    }

    @Override
    public void run() {
        nextCommit = System.nanoTime() + commitIntervalNanos;
        nextCheckpoint = System.nanoTime() + checkpointIntervalNanos;
        try {
            while (!stopRequested && !abortRequested) {
                poll();
                core.wallClock(System.currentTimeMillis());
                if (uncommitted >= commitMaxRecords || System.nanoTime() >= nextCommit) {
                    commit();
                }
            }
            if (!abortRequested) {
                commit();
                checkpoint();
                LOG.info("Task {} stopped after {} records and {} commits", name, processed, commits);
            }
        } catch (Throwable t) {
            failure = t;
            LOG.error("Task {} failed; input processed since the last commit is not acknowledged and will be"
                    + " delivered again: {}", name, t.getMessage());
        } finally {
            for (Input input : inputs) {
                input.consumer.closeAsync();
            }
            collector.close();
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
        if (received == 0) {
            // Nothing waiting anywhere: block on one input for a short while, rotating so none starves.
            Input input = inputs.get(nextBlocking++ % inputs.size());
            long waitMillis = Math.max(1, Math.min(inputs.size() == 1 ? 100 : 5,
                    (nextCommit - System.nanoTime()) / 1_000_000));
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
        while (count < DRAIN_LIMIT && !stopRequested && (message = input.consumer.receive(0, TimeUnit.MILLISECONDS)) != null) {
            handle(input, message);
            count++;
        }
        return count;
    }

    private void handle(Input input, Message<Object> message) {
        try {
            core.process(input.processor, input.decode(message));
        } catch (ProcessingException e) {
            throw new ProcessingException(e, "on message " + message.getMessageId() + " of topic '"
                    + message.getTopicName() + "'");
        }
        input.acks.delivered(message);
        uncommitted++;
        processed++;
    }

    /**
     * Caches are written out first (their table updates become outputs), then outputs and changelogs
     * are made durable, and only then is the input acknowledged. Punctuations can change state without
     * input, so the flushes run even when nothing awaits acknowledgement.
     */
    private void commit() throws Exception {
        core.flushState();
        collector.flush();
        if (changelog != null) {
            changelog.flush();
        }
        if (uncommitted > 0) {
            List<CompletableFuture<Void>> acks = new ArrayList<>(inputs.size());
            for (Input input : inputs) {
                acks.add(input.acks.commit(input.consumer));
            }
            CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get(ackTimeoutMillis, TimeUnit.MILLISECONDS);
            uncommitted = 0;
            commits++;
        }
        nextCommit = System.nanoTime() + commitIntervalNanos;
        if (System.nanoTime() >= nextCheckpoint) {
            checkpoint();
        }
    }

    /** Local files are flushed and the changelog positions they reflect recorded, after a commit. */
    private void checkpoint() {
        if (changelog != null && stateDirectory != null) {
            changelog.checkpoint(core.state(), stateDirectory);
        }
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
