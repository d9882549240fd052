package dev.tributary.runtime.internal.task;

import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.runtime.internal.metrics.HeldKeys;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The keys whose records are waiting for a retry. A failed record blocks its key: later records of
 * that key are held behind it in arrival order, and records of every other key pass. The broker's
 * redelivery of negatively acknowledged messages is not used: on Key_Shared it does not keep order.
 */
final class KeyedRetries {
    /** A blocked key: the record being retried, and the ones that arrived after it. */
    static final class Blocked {
        final ByteBuffer key;
        final int keyGroup;
        /** When the key began to fail, for what the ops server shows. */
        final long sinceMillis = System.currentTimeMillis();
        Delivery head;
        final ArrayDeque<Delivery> held = new ArrayDeque<>();

        Blocked(ByteBuffer key, int keyGroup) {
            this.key = key;
            this.keyGroup = keyGroup;
        }
    }

    private final KeyGroups keyGroups;
    private final int maxHeldPerGroup;
    private final Map<ByteBuffer, Blocked> blocked = new HashMap<>();
    private final PriorityQueue<Blocked> due = new PriorityQueue<>((a, b) -> Long.compare(a.head.dueNanos(), b.head.dueNanos()));
    private final int[] heldByGroup;
    private int groupsAtLimit;
    private long held;

    KeyedRetries(KeyGroups keyGroups, int maxHeldPerGroup) {
        this.keyGroups = keyGroups;
        this.maxHeldPerGroup = maxHeldPerGroup;
        this.heldByGroup = new int[keyGroups.count() + 1];
    }

    boolean isEmpty() {
        return blocked.isEmpty();
    }

    /** Holds the delivery if its key is blocked; false if it may be processed now. */
    boolean holdIfBlocked(Delivery delivery) {
        if (blocked.isEmpty()) {
            return false;
        }
        Blocked entry = blocked.get(delivery.keyId());
        if (entry == null) {
            return false;
        }
        entry.held.addLast(delivery);
        addHeld(entry.keyGroup, 1);
        return true;
    }

    /**
     * Makes a failed delivery the head of its key, due at its {@code dueNanos}. If the key is blocked
     * already, the delivery came first (its output failed only at commit), so it goes in front and the
     * previous head waits behind it.
     */
    void block(Delivery failed) {
        Blocked entry = blocked.get(failed.keyId());
        if (entry == null) {
            byte[] keyBytes = failed.keyBytes();
            entry = new Blocked(failed.keyId(), keyBytes == null ? keyGroups.count() : keyGroups.ofKeyBytes(keyBytes));
            blocked.put(entry.key, entry);
        } else if (entry.head != null) {
            due.remove(entry);
            entry.held.addFirst(entry.head);
            entry.head.hold();
            addHeld(entry.keyGroup, 1);
        }
        entry.head = failed;
        due.add(entry);
    }

    /** When the next retry is due, or Long.MAX_VALUE if none is waiting. */
    long nextDueNanos() {
        Blocked first = due.peek();
        return first == null ? Long.MAX_VALUE : first.head.dueNanos();
    }

    /** Takes a key whose head is due; the caller retries the head, then {@link #reschedule} or {@link #release}. */
    Blocked pollDue(long nowNanos) {
        Blocked first = due.peek();
        if (first == null || first.head.dueNanos() > nowNanos) {
            return null;
        }
        return due.poll();
    }

    /** The head failed again and waits for its next attempt. */
    void reschedule(Blocked entry) {
        due.add(entry);
    }

    /** Takes the next held record of a key whose head is done, or unblocks the key and returns null. */
    Delivery release(Blocked entry) {
        Delivery next = entry.held.pollFirst();
        if (next == null) {
            entry.head = null;
            blocked.remove(entry.key);
            return null;
        }
        addHeld(entry.keyGroup, -1);
        return next;
    }

    /** Makes a released record that failed the key's new head. */
    void blockAgain(Blocked entry, Delivery failed) {
        entry.head = failed;
        due.add(entry);
    }

    /** Forgets every blocked key and held record. */
    void clear() {
        blocked.clear();
        due.clear();
        java.util.Arrays.fill(heldByGroup, 0);
        groupsAtLimit = 0;
        held = 0;
    }

    /**
     * Forgets the deliveries that match (their consumer closed). Records of one consumer are of one key
     * group set, so a key's head and the records held behind it go together.
     */
    void removeIf(java.util.function.Predicate<Delivery> drop) {
        for (java.util.Iterator<Blocked> it = blocked.values().iterator(); it.hasNext(); ) {
            Blocked entry = it.next();
            int before = entry.held.size();
            entry.held.removeIf(drop);
            addHeld(entry.keyGroup, entry.held.size() - before);
            if (entry.head != null && drop.test(entry.head)) {
                due.remove(entry);
                Delivery next = entry.held.pollFirst();
                if (next == null) {
                    entry.head = null;
                    it.remove();
                    continue;
                }
                addHeld(entry.keyGroup, -1);
                // A record that waited behind a dropped head is tried at once.
                next.dueNow();
                entry.head = next;
                due.add(entry);
            }
        }
    }

    /**
     * What is held now, per key group and for the {@code top} longest failing keys.
     *
     * @param describe the last error of a failing record, in a line
     */
    HeldKeys snapshot(int top, java.util.function.Function<Delivery, String> describe) {
        if (blocked.isEmpty()) {
            return HeldKeys.NONE;
        }
        java.util.TreeMap<Integer, HeldKeys.Group> groups = new java.util.TreeMap<>();
        List<Blocked> keys = new ArrayList<>(blocked.values());
        keys.sort(java.util.Comparator.comparingLong((Blocked b) -> b.sinceMillis));
        for (Blocked entry : keys) {
            int group = entry.keyGroup == keyGroups.count() ? -1 : entry.keyGroup;
            HeldKeys.Group before = groups.get(group);
            groups.put(group, before == null
                    ? new HeldKeys.Group(group, heldByGroup[entry.keyGroup], 1, entry.sinceMillis)
                    : new HeldKeys.Group(group, before.heldRecords(), before.failingKeys() + 1,
                            before.oldestSinceMillis()));
        }
        List<HeldKeys.Key> named = new ArrayList<>(Math.min(top, keys.size()));
        for (Blocked entry : keys.subList(0, Math.min(top, keys.size()))) {
            Delivery head = entry.head;
            Delivery.Failure failure = head == null ? null : head.failure();
            named.add(new HeldKeys.Key(head == null || !head.message.hasKey() ? null : head.message.getKey(),
                    entry.keyGroup == keyGroups.count() ? -1 : entry.keyGroup, entry.held.size(),
                    head == null ? 0 : head.attempts(), entry.sinceMillis, failure == null ? null : failure.node(),
                    failure == null ? null : failure.kind().label, head == null ? null : describe.apply(head)));
        }
        return new HeldKeys(System.currentTimeMillis(), List.copyOf(groups.values()), List.copyOf(named),
                blocked.size(), held);
    }

    /** Whether some key group holds as many records as it may. */
    boolean overLimit() {
        return groupsAtLimit > 0;
    }

    long held() {
        return held;
    }

    int blockedKeys() {
        return blocked.size();
    }

    private void addHeld(int keyGroup, int delta) {
        int before = heldByGroup[keyGroup];
        int after = before + delta;
        heldByGroup[keyGroup] = after;
        held += delta;
        if (before < maxHeldPerGroup && after >= maxHeldPerGroup) {
            groupsAtLimit++;
        } else if (before >= maxHeldPerGroup && after < maxHeldPerGroup) {
            groupsAtLimit--;
        }
    }
}
