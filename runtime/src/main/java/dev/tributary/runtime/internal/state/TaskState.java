package dev.tributary.runtime.internal.state;

import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.plan.WindowSpec;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.state.ChangelogWriter;
import dev.tributary.state.ConcurrentReads;
import dev.tributary.state.KeyGroupedStore;
import dev.tributary.state.LoggedStore;
import dev.tributary.state.RecordCache;
import dev.tributary.state.StoreAccess;
import dev.tributary.state.TypedStore;
import dev.tributary.state.TypedWindowStore;
import dev.tributary.state.UncommittedWrites;
import dev.tributary.state.WindowKeys;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.pulsar.client.api.Schema;

/** The stores of one task, layered typed → cached → logged → bytes, with their key groups open. */
public final class TaskState implements AutoCloseable {
    private final KeyGroups keyGroups;
    private final BitSet owned;
    private final Map<String, Entry> stores = new LinkedHashMap<>();
    private final Punctuations punctuations = new Punctuations();
    private final boolean emitOnUpdate;
    private final List<Runnable> closers = new ArrayList<>();
    private volatile IntFunction<String> whereIs = group -> "does not run in this task";

    private final List<Runnable> afterFlush = new ArrayList<>();
    /** Under exactly-once, each store's writes since the last commit. */
    private final List<UncommittedWrites> uncommitted = new ArrayList<>();
    private final Map<String, Object> sharedObjects = new java.util.HashMap<>();
    private final Map<String, TypedWindowStore<Object, Object>> windowViews = new java.util.HashMap<>();
    private final List<java.util.function.LongConsumer> wallClockHooks = new ArrayList<>();
    /** Bumped each time a key group starts running here, so operators know to reload what they keep of it. */
    private final int[] ownEpochs;

    private record Entry(StoreSpec spec, KeyGroupedStore bytes, StoreAccess logged, StoreAccess access,
                         RecordCache cache, TypedStore<Object, Object> typed, ConcurrentReads reads) {
    }

    /** The key groups queries may read here: restored and running. Replaced whole, read from any thread. */
    private volatile BitSet queryable = new BitSet();
    /** Per key group, when its standby copy last read its changelog to the end (epoch ms), else 0. */
    private final java.util.concurrent.atomic.AtomicLongArray standbyCaughtUp;

    /**
     * @param specs the topology's stores
     * @param open creates the bytes store of a spec
     * @param changelog where logged stores write, or null for none
     */
    public TaskState(List<StoreSpec> specs, KeyGroups keyGroups, BitSet owned, Function<StoreSpec, KeyGroupedStore> open,
                     ChangelogWriter changelog, int cacheMaxRecords, boolean emitOnUpdate) {
        this(specs, keyGroups, owned, open, changelog, cacheMaxRecords, emitOnUpdate, false);
    }

    /**
     * @param holdUntilCommit whether writes reach the local stores only at {@link #commitWrites()}
     *     (exactly-once: the local files never hold a write of an aborted transaction)
     */
    @SuppressWarnings("unchecked")
    public TaskState(List<StoreSpec> specs, KeyGroups keyGroups, BitSet owned, Function<StoreSpec, KeyGroupedStore> open,
                     ChangelogWriter changelog, int cacheMaxRecords, boolean emitOnUpdate, boolean holdUntilCommit) {
        this.keyGroups = keyGroups;
        this.owned = (BitSet) owned.clone();
        this.queryable = (BitSet) owned.clone();
        this.emitOnUpdate = emitOnUpdate;
        this.ownEpochs = new int[keyGroups.count()];
        this.standbyCaughtUp = new java.util.concurrent.atomic.AtomicLongArray(keyGroups.count());
        try {
            for (StoreSpec spec : specs) {
                // Queries read the committed layer, below the cache and the held writes.
                ConcurrentReads reads = new ConcurrentReads(open.apply(spec));
                KeyGroupedStore opened = reads;
                if (holdUntilCommit) {
                    UncommittedWrites held = new UncommittedWrites(opened);
                    uncommitted.add(held);
                    opened = held;
                }
                KeyGroupedStore bytes = spec.windows() != null ? WindowKeys.indexed(opened) : opened;
                bytes.openKeyGroups(owned);
                StoreAccess logged = new LoggedStore(bytes, spec.logging() ? changelog : null);
                StoreAccess access = logged;
                RecordCache cache = null;
                if (spec.caching()) {
                    cache = new RecordCache(access, cacheMaxRecords);
                    access = cache;
                }
                TypedStore<Object, Object> typed = new TypedStore<>(spec.name(), (Schema<Object>) spec.keySchema(),
                        (Schema<Object>) spec.valueSchema(), keyGroups::ofKeyBytes, () -> this.owned, access,
                        group -> this.whereIs.apply(group));
                stores.put(spec.name(), new Entry(spec, bytes, logged, access, cache, typed, reads));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * What the operators of one task share under a name, made by the first to ask: the two sides of a
     * stream-stream join keep one stream time per key group.
     */
    @SuppressWarnings("unchecked")
    public <T> T shared(String name, java.util.function.Supplier<T> make) {
        return (T) sharedObjects.computeIfAbsent(name, ignored -> make.get());
    }

    public TypedStore<Object, Object> store(String name) {
        Entry entry = stores.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("no store named '" + name + "' in this topology; stores: " + stores.keySet());
        }
        if (entry.spec.windows() != null) {
            WindowSpec.Kind kind = entry.spec.windows().kind();
            throw new IllegalArgumentException("store '" + name + "' is a " + (switch (kind) {
                        case SESSION -> "session";
                        case SLIDING -> "sliding-window";
                        case JOIN -> "stream-join";
                        case TIME -> "window";
                    })
                    + " store, not a key-value store" + (kind == WindowSpec.Kind.TIME
                    ? "; read it as a window store (getWindowStore)" : ""));
        }
        return entry.typed;
    }

    /** The record cache of a store, or null when its updates are written (and emitted) at once. */
    public RecordCache emittingCache(String name) {
        Entry entry = stores.get(name);
        return entry == null || emitOnUpdate ? null : entry.cache;
    }

    /**
     * The window store view of a store of fixed-size windows, made once per store.
     *
     * @param expireByStreamTime whether this view deletes windows past retention by the task's stream time
     *     after each commit (stores of the Processor API; the DSL's windowed nodes expire their own)
     * @throws IllegalArgumentException if the store is not one of fixed-size windows
     */
    @SuppressWarnings("unchecked")
    public TypedWindowStore<Object, Object> windowStore(String name, boolean expireByStreamTime) {
        Entry entry = entry(name);
        if (entry.spec.windows() == null || entry.spec.windows().kind() != WindowSpec.Kind.TIME) {
            throw new IllegalArgumentException("store '" + name + "' is not a store of fixed-size windows"
                    + (entry.spec.windows() == null ? " (it is a key-value store)" : switch (entry.spec.windows().kind()) {
                        case SESSION -> " (it holds sessions)";
                        case SLIDING -> " (it holds sliding windows)";
                        default -> " (it holds a stream join's records)";
                    }));
        }
        TypedWindowStore<Object, Object> view = windowViews.get(name);
        if (view == null) {
            view = new TypedWindowStore<>(name, (Schema<Object>) entry.spec.keySchema(),
                    (Schema<Object>) entry.spec.valueSchema(), entry.spec.windows().sizeMs(), keyGroups::ofKeyBytes,
                    () -> this.owned, entry.access, group -> this.whereIs.apply(group));
            windowViews.put(name, view);
            if (expireByStreamTime) {
                TypedWindowStore<Object, Object> store = view;
                long retention = entry.spec.windows().retentionMs();
                long[] expiredUpTo = new long[keyGroups.count()];
                java.util.Arrays.fill(expiredUpTo, -1);
                afterFlush(() -> {
                    long cutoff = punctuations.streamTime() - retention;
                    for (int group = owned.nextSetBit(0); cutoff >= 0 && group >= 0; group = owned.nextSetBit(group + 1)) {
                        if (cutoff > expiredUpTo[group]) {
                            store.expire(group, cutoff, expiredUpTo[group] + 1);
                            expiredUpTo[group] = cutoff;
                        }
                    }
                });
            }
        }
        return view;
    }

    /** A store's top layer as bytes: through its record cache, if it has one, then its changelog. */
    public StoreAccess access(String name) {
        return entry(name).access;
    }

    /** A store's layer below its record cache: writes here are logged at once. */
    public StoreAccess logged(String name) {
        return entry(name).logged;
    }

    /** A store's record cache, or null if it has none. */
    public RecordCache cache(String name) {
        return entry(name).cache;
    }

    private Entry entry(String name) {
        Entry entry = stores.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("no store named '" + name + "' in this topology; stores: " + stores.keySet());
        }
        return entry;
    }

    /** Runs after every write-out of the caches (each commit): where operators log what they keep per key group. */
    public void afterFlush(Runnable hook) {
        afterFlush.add(hook);
    }

    /** Runs at each wall-clock check of the task loop (or of the test driver's virtual clock). */
    public void onWallClock(java.util.function.LongConsumer hook) {
        wallClockHooks.add(hook);
    }

    /** Called with the wall-clock time by the task loop. */
    public void wallClock(long now) {
        for (java.util.function.LongConsumer hook : wallClockHooks) {
            hook.accept(now);
        }
        punctuations.wallClock(now);
    }

    /** Changes each time the key group starts running here (after a restore), never otherwise. */
    public int ownEpoch(int group) {
        return ownEpochs[group];
    }

    /** Whether the key group runs in this task. */
    public boolean owns(int group) {
        return owned.get(group);
    }

    /** The key groups running here; not to be changed. */
    public BitSet owned() {
        return owned;
    }

    public KeyGroupedStore bytes(String name) {
        return stores.get(name).bytes;
    }

    public StoreSpec spec(String name) {
        return stores.get(name).spec;
    }

    /** Each store's estimated size in bytes over the owned key groups, as written out so far. */
    public Map<String, Long> approximateBytes() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (Entry entry : stores.values()) {
            long bytes = 0;
            for (int group = owned.nextSetBit(0); group >= 0; group = owned.nextSetBit(group + 1)) {
                bytes += entry.bytes.approximateBytes(group);
            }
            sizes.put(entry.spec.name(), bytes);
        }
        return sizes;
    }

    /** Each store's estimated entry count over the owned key groups, as written out so far. */
    public Map<String, Long> approximateEntries() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Entry entry : stores.values()) {
            long count = 0;
            for (int group = owned.nextSetBit(0); group >= 0; group = owned.nextSetBit(group + 1)) {
                count += entry.bytes.approximateCount(group);
            }
            counts.put(entry.spec.name(), count);
        }
        return counts;
    }


    /** Makes a key group's space in every store usable, before it is restored. */
    public void openKeyGroup(int group) {
        for (Entry entry : stores.values()) {
            entry.bytes.openKeyGroup(group);
        }
    }

    /** Makes key groups' spaces in every store usable at once, before they are restored. */
    public void openKeyGroups(BitSet groups) {
        for (Entry entry : stores.values()) {
            entry.bytes.openKeyGroups(groups);
        }
    }


    /** A restored key group takes part in processing and in scans. */
    public void own(int group) {
        owned.set(group);
        ownEpochs[group]++;
        queryable = (BitSet) owned.clone();
    }

    /** A released key group's entries stay on disk (a later claim restores only the tail), unused. */
    public void disown(BitSet groups) {
        owned.andNot(groups);
        queryable = (BitSet) owned.clone();
    }

    /** The key groups queries may read here, from any thread; not to be changed. */
    public BitSet queryable() {
        return queryable;
    }

    /** A standby copy of the key group has just read its changelog to the end. */
    public void standbyCaughtUp(int group, long epochMillis) {
        standbyCaughtUp.set(group, epochMillis);
    }

    /** The key group's standby copy is no longer kept up here. */
    public void standbyDropped(int group) {
        standbyCaughtUp.set(group, 0);
    }

    /** When the key group's standby copy last read its changelog to the end (epoch ms), or 0 if it has none here. */
    public long standbyCaughtUp(int group) {
        return standbyCaughtUp.get(group);
    }

    /** The specs of the stores, in the topology's order. */
    public List<StoreSpec> specs() {
        return stores.values().stream().map(Entry::spec).toList();
    }

    /** The longest the task has waited for a query's read on any store, in nanoseconds. */
    public long longestQueryWaitNanos() {
        long longest = 0;
        for (Entry entry : stores.values()) {
            longest = Math.max(longest, entry.reads.longestWaitNanos());
        }
        return longest;
    }

    /** A store's committed entries, readable from any thread. */
    public ConcurrentReads reads(String name) {
        return entry(name).reads;
    }

    /**
     * Forgets cached writes not yet written out, and under exactly-once the writes held since the last
     * commit: the records that made them will be processed again.
     */
    public void discardCaches() {
        for (Entry entry : stores.values()) {
            if (entry.cache != null) {
                entry.cache.discard();
            }
        }
        uncommitted.forEach(UncommittedWrites::discard);
    }

    /** Under exactly-once, after the commit's transaction committed: its writes reach the local stores. */
    public void commitWrites() {
        uncommitted.forEach(UncommittedWrites::commit);
    }

    /** Under exactly-once, as a commit goes in flight: its writes are set aside, later ones held above them. */
    public void sealWrites() {
        uncommitted.forEach(UncommittedWrites::seal);
    }

    /** Under exactly-once, once the commit in flight committed: its sealed writes reach the local stores. */
    public void commitSealedWrites() {
        uncommitted.forEach(UncommittedWrites::commitSealed);
    }

    /** Tells the stores how to say where a key group that does not run here runs, for their error messages. */
    public void locate(IntFunction<String> whereIs) {
        this.whereIs = whereIs;
    }

    public KeyGroups keyGroups() {
        return keyGroups;
    }

    public Punctuations punctuations() {
        return punctuations;
    }

    /** Runs at close, for processors that must release resources. */
    public void onClose(Runnable closer) {
        closers.add(closer);
    }

    /** Writes out every cache, emitting table updates; the first step of a commit. */
    public void flushCaches() {
        for (Entry entry : stores.values()) {
            entry.access.flush();
        }
        for (Runnable hook : afterFlush) {
            hook.run();
        }
    }

    /** Makes the stores' local files complete, before a checkpoint records how far they go. */
    public void persist() {
        for (Entry entry : stores.values()) {
            entry.bytes.persist();
        }
    }

    @Override
    public void close() {
        for (Runnable closer : closers) {
            closer.run();
        }
        closers.clear();
        for (Entry entry : stores.values()) {
            entry.bytes.close();
        }
        stores.clear();
    }
}
