package dev.tributary.runtime.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The counters of one job's error handling. Failures are rare, so counters tagged by node are looked
 * up when they happen rather than prepared for every node.
 */
public final class TaskMetrics {
    public static final String RETRIED = "tributary.records.retried";
    public static final String QUERIES = "tributary.queries";
    public static final String QUERY_WAIT_MAX = "tributary.queries.task.wait.max";
    public static final String HELD = "tributary.records.held";
    public static final String DEAD_LETTERED = "tributary.records.dead.lettered";
    public static final String SKIPPED = "tributary.records.skipped";
    public static final String FAILED = "tributary.records.failed";
    public static final String DEAD_LETTER_WRITE_FAILURES = "tributary.dead.letter.write.failures";
    public static final String OUTPUT_FAILURES = "tributary.output.write.failures";
    public static final String ACK_FAILURES = "tributary.ack.failures";
    public static final String INPUT_PAUSES = "tributary.input.pauses";
    public static final String RECORDS_IN = "tributary.records.in";
    public static final String RECORDS_OUT = "tributary.records.out";
    public static final String RECORDS_ACKED = "tributary.records.acked";
    public static final String LATENCY = "tributary.records.latency";
    public static final String COMMITS = "tributary.commits";
    /** The job's key groups (key.groups), the same on every instance. */
    public static final String KEY_GROUPS = "tributary.key.groups";
    public static final String KEY_GROUPS_OWNED = "tributary.key.groups.owned";
    public static final String KEY_GROUPS_RESTORING = "tributary.key.groups.restoring";
    public static final String RESTORED = "tributary.restore.records";
    public static final String STATE_ENTRIES = "tributary.state.entries";
    public static final String STATE_BYTES = "tributary.state.bytes";
    public static final String BACKLOG = "tributary.input.backlog";
    public static final String DISPATCH_STALLS = "tributary.input.dispatch.stalls";
    public static final String DISPATCH_UNLOADS = "tributary.input.dispatch.unloads";
    public static final String FORWARDED = "tributary.records.forwarded";
    /** Under exactly-once, deliveries whose acknowledgement had committed: acknowledged again, not processed. */
    public static final String REDELIVERED = "tributary.records.redelivered";
    public static final String STANDBY_LAG = "tributary.standby.lag.ms";
    public static final String STANDBY_CAUGHT_UP = "tributary.standby.caught.up.time.ms";
    public static final String KEY_GROUPS_STANDBY = "tributary.key.groups.standby";
    public static final String HANDOVERS = "tributary.handovers";
    public static final String LEASES_LOST = "tributary.leases.lost";
    /** Transactions aborted under exactly-once, by why. */
    public static final String TRANSACTIONS_ABORTED = "tributary.transactions.aborted";
    /** Time a task waited for the broker to open a transaction it could not open at once. */
    public static final String TRANSACTION_WAITS = "tributary.transactions.unavailable";
    /** Local state that could not be read or written (a full or read-only state directory): the task stopped. */
    public static final String STATE_FAILURES = "tributary.state.failures";
    public static final String INSTANCES = "tributary.instances";
    public static final String LATE_RECORDS = "tributary.late.records";
    public static final String GLOBAL_TABLE_SKIPPED = "tributary.global.table.skipped";
    public static final String LATENESS = "tributary.late.records.lateness";
    public static final String KEYS_FAILING = "tributary.keys.failing";
    public static final String KEY_GROUP_HELD = "tributary.keygroup.records.held";
    public static final String KEY_GROUP_FAILING_SINCE = "tributary.keygroup.failing.oldest.seconds";

    private final MeterRegistry registry;
    private final Tags common;
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong failingKeys = new AtomicLong();
    private final io.micrometer.core.instrument.MultiGauge heldByGroup;
    private volatile java.util.Map<Integer, dev.tributary.runtime.internal.metrics.HeldKeys.Group> heldGroups = java.util.Map.of();
    private volatile long heldAtMillis;
    private java.util.Set<Integer> heldRows = java.util.Set.of();
    private final io.micrometer.core.instrument.MultiGauge oldestByGroup;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> forwardedBySource = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final Counter acked;
    private final Timer commits;
    private final Timer latency;

    public TaskMetrics(MeterRegistry registry, String applicationId) {
        this.registry = registry;
        this.common = Tags.of("application", applicationId);
        registry.gauge(HELD, common, held);
        io.micrometer.core.instrument.Gauge.builder(KEYS_FAILING, failingKeys, AtomicLong::get).tags(common)
                .description("Keys whose record waits for a retry, holding the key's later records").register(registry);
        this.heldByGroup = io.micrometer.core.instrument.MultiGauge.builder(KEY_GROUP_HELD).tags(common)
                .description("Records held behind failing keys, per key group with any (-1: records without a key)")
                .register(registry);
        this.oldestByGroup = io.micrometer.core.instrument.MultiGauge.builder(KEY_GROUP_FAILING_SINCE).tags(common)
                .description("How long the longest failing key of the key group has failed, in seconds")
                .register(registry);
        this.acked = Counter.builder(RECORDS_ACKED).tags(common)
                .description("Input records acknowledged by commits").register(registry);
        this.commits = Timer.builder(COMMITS).tags(common)
                .description("Commits: flush outputs and changelogs, await receipts, acknowledge").register(registry);
        this.latency = Timer.builder(LATENCY).tags(common)
                .description("From an input record's publish time to the end of its processing, sampled 1 in 16")
                .register(registry);
    }

    /** Messages of a global table's topic its schema could not decode: skipped, the row keeps its previous value. */
    /**
     * Counts state queries over HTTP by store and outcome: answered, not-found, forwarded, unavailable
     * (503), bad-request, unauthorized, failed.
     */
    public Counter queries(String store, String outcome) {
        return Counter.builder(QUERIES).tags(common.and("store", store, "outcome", outcome))
                .description("State queries over HTTP, by outcome").register(registry);
    }

    /** The longest the processing thread has waited for a query's read (seconds): the bound queries put on it. */
    public <T> void queryWaitMax(T owner, ToDoubleFunction<T> seconds) {
        io.micrometer.core.instrument.Gauge.builder(QUERY_WAIT_MAX, owner, seconds).tags(common)
                .description("The longest the processing thread waited for a state query's read, in seconds")
                .register(registry);
    }

    /** A stalled input partition was unloaded, so that the broker dispatches its held messages again. */
    public void dispatchUnloaded(String topic) {
        Counter.builder(DISPATCH_UNLOADS).tags(common.and("topic", topic))
                .description("Times the job unloaded an input partition found holding messages it dispatched to no"
                        + " consumer").register(registry).increment();
    }

    /** An input partition held messages it dispatched to nobody. */
    public void dispatchStalled(String topic) {
        Counter.builder(DISPATCH_STALLS).tags(common.and("topic", topic))
                .description("Times an input partition's subscription was found holding messages it dispatched to"
                        + " no consumer").register(registry).increment();
    }

        public Counter globalTableSkipped(String table, String topic) {
        return Counter.builder(GLOBAL_TABLE_SKIPPED).tags(common.and("table", table, "topic", topic))
                .description("Global-table messages skipped because their value could not be decoded").register(registry);
    }

    /** Counts the records of a source; the count is read from the task's own field when scraped. */
    public <T> void recordsIn(String source, String topics, T owner, ToDoubleFunction<T> count) {
        FunctionCounter.builder(RECORDS_IN, owner, count).tags(common.and("source", source, "topics", topics))
                .description("Input records received").register(registry);
    }

    public <T> void recordsOut(String sink, String topic, T owner, ToDoubleFunction<T> count) {
        FunctionCounter.builder(RECORDS_OUT, owner, count).tags(common.and("node", sink, "topic", topic))
                .description("Records written to output topics").register(registry);
    }

    public <T> void restored(T owner, ToDoubleFunction<T> count) {
        FunctionCounter.builder(RESTORED, owner, count).tags(common)
                .description("Changelog records restored into local state").register(registry);
    }

    public void acked(long count) {
        acked.increment(count);
    }

    public Timer commitTimer() {
        return commits;
    }

    /**
     * Under exactly-once, the time of one phase of a commit: {@code state} (caches and changelogs
     * written out), {@code outputs} (their receipts), {@code acks} (the transactional acknowledgement),
     * {@code transaction} (the broker's commit).
     */
    public Timer commitPhase(String phase) {
        return Timer.builder(COMMITS + ".phase").tags(common.and("phase", phase))
                .description("Under exactly-once, the time of each phase of a commit").register(registry);
    }

    public void latency(long millis) {
        latency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** A gauge set by whoever knows its value, such as owned key groups or a store's entries. */
    public AtomicLong gauge(String name, String... tags) {
        String id = name + '|' + String.join(",", tags);
        return gauges.computeIfAbsent(id, k -> {
            AtomicLong value = new AtomicLong();
            registry.gauge(name, common.and(tags), value);
            return value;
        });
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The tags every meter of the job carries. */
    public Tags tags() {
        return common;
    }

    /** A record's processing failed and it will be tried again. */
    public void retried(String node) {
        counter(RETRIED, node, null).increment();
    }

    public void dead(String node, String kind) {
        counter(DEAD_LETTERED, node, kind).increment();
    }

    public void skipped(String node, String kind) {
        counter(SKIPPED, node, kind).increment();
    }

    public void failed(String node, String kind) {
        counter(FAILED, node, kind).increment();
    }

    /** A record arrived for closed windows, this far (ms) behind its key group's stream time. */
    public void late(String node, long latenessMillis) {
        counter(LATE_RECORDS, node, null).increment();
        DistributionSummary.builder(LATENESS).baseUnit("ms").tags(common.and("node", node))
                .description("How far late records were behind their key group's stream time")
                .register(registry).record(latenessMillis);
    }

    public void deadLetterWriteFailed() {
        counter(DEAD_LETTER_WRITE_FAILURES, null, null).increment();
    }

    public void outputFailed(String node) {
        counter(OUTPUT_FAILURES, node, null).increment();
    }

    public void ackFailed() {
        counter(ACK_FAILURES, null, null).increment();
    }

    public void inputPaused() {
        counter(INPUT_PAUSES, null, null).increment();
    }

    /** A record of a key group not running here was sent on to its owner. */
    public void forwarded(String source) {
        // Per misrouted record, so looked up by the source's name alone, with no key built.
        Counter counter = forwardedBySource.get(source);
        if (counter == null) {
            counter = forwardedBySource.computeIfAbsent(source, s -> counter(FORWARDED, s, null));
        }
        counter.increment();
    }

    /** The broker delivered a record again whose acknowledgement had committed; it was not processed twice. */
    public void redelivered(String source) {
        counter(REDELIVERED, source, null).increment();
    }

    /**
     * Times a hand-over step: {@code release} from the decision to the ranges being free, {@code claim}
     * from the ranges being held to the key group processing (its restore included).
     */
    public Timer handover(String step) {
        return Timer.builder(HANDOVERS).tags(common.and("step", step))
                .description("Key-group hand-overs: release (commit and free the ranges) and claim (restore and start)")
                .register(registry);
    }

    /** The broker dropped the instance's hold on its key groups (a pause, a network split); it re-claimed them. */
    public void leaseLost() {
        counter(LEASES_LOST, null, null).increment();
    }

    /** Under exactly-once, a commit's transaction was aborted; its input comes again. */
    public void transactionAborted(String reason) {
        counter(TRANSACTIONS_ABORTED, null, reason).increment();
    }

    /** Local state could not be written or read; the task stops. */
    public void stateFailed() {
        counter(STATE_FAILURES, null, null).increment();
    }

    /** Under exactly-once, the broker could not open a transaction; the task waits and tries again. */
    public void transactionUnavailable() {
        counter(TRANSACTION_WAITS, null, null).increment();
    }

    /** Per key group, what is held behind failing keys now; key groups with nothing held drop out. */
    public void heldKeys(dev.tributary.runtime.internal.metrics.HeldKeys now) {
        failingKeys.set(now.failingKeys());
        java.util.Map<Integer, dev.tributary.runtime.internal.metrics.HeldKeys.Group> groups = new java.util.HashMap<>();
        now.keyGroups().forEach(group -> groups.put(group.keyGroup(), group));
        heldGroups = groups;
        heldAtMillis = now.takenAtMillis();
        if (groups.keySet().equals(heldRows)) {
            return;
        }
        // Rows read the latest copy: re-registering them on every copy would remove and add the meters.
        heldRows = groups.keySet();
        List<io.micrometer.core.instrument.MultiGauge.Row<?>> held = new java.util.ArrayList<>();
        List<io.micrometer.core.instrument.MultiGauge.Row<?>> oldest = new java.util.ArrayList<>();
        for (int keyGroup : heldRows) {
            Tags tags = Tags.of("key_group", Integer.toString(keyGroup));
            held.add(io.micrometer.core.instrument.MultiGauge.Row.of(tags, () -> {
                var group = heldGroups.get(keyGroup);
                return group == null ? 0 : group.heldRecords();
            }));
            oldest.add(io.micrometer.core.instrument.MultiGauge.Row.of(tags, () -> {
                var group = heldGroups.get(keyGroup);
                return group == null ? 0 : Math.max(0, heldAtMillis - group.oldestSinceMillis()) / 1000.0;
            }));
        }
        heldByGroup.register(held, false);
        oldestByGroup.register(oldest, false);
    }

    /** Records held in memory behind failing keys, now. */
    public void held(long count) {
        held.set(count);
    }

    private Counter counter(String name, String node, String kind) {
        String id = name + '|' + node + '|' + kind;
        Counter counter = counters.get(id);
        if (counter == null) {
            Tags withNode = node == null ? common : common.and("node", node);
            Tags tags = kind == null ? withNode : withNode.and("kind", kind);
            counter = counters.computeIfAbsent(id, k -> registry.counter(name, tags));
        }
        return counter;
    }
}
